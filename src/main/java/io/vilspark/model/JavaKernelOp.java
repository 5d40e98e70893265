package io.vilspark.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.BytePointer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.imports.converters.ImportClassMapping;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A graph op that {@link FixedGraphSession} computes in Java (with the JDK's vector API, see
 * {@link VectorLoops}) instead of handing it to ND4J's native library: for the element-wise hot
 * spots where a fused Java loop does in one pass over memory what ND4J does in several, with
 * vectorised exp where ND4J's is scalar.
 *
 * <p>Subclasses are public with a public no-argument constructor and keep their settings in integer
 * arguments: SameDiff copies every op into the gradient function by serialising it and creating it
 * again by name ({@link #register}).
 */
public abstract class JavaKernelOp extends DynamicCustomOp {
    protected JavaKernelOp() {
    }

    protected JavaKernelOp(SameDiff sd, SDVariable[] inputs, long... settings) {
        super(null, sd, inputs);
        addIArgument(settings);
    }

    /** Set on first use (SameDiff asks while the superclass constructor runs, so no initialiser). */
    private String name;

    /** {@code vil_} and the class's simple name: unique, and the same for every copy SameDiff makes. */
    @Override
    public final String opName() {
        if (name == null) {
            name = "vil_" + getClass().getSimpleName();
        }
        return name;
    }

    /** Gradient ops are not differentiated again (no second derivatives are needed). */
    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        throw new UnsupportedOperationException(opName() + " has no gradient of its own");
    }

    /** One output unless the op says otherwise. */
    @Override
    public int getNumOutputs() {
        return 1;
    }

    /** The outputs' shapes for inputs of these shapes: by default one output shaped like the first input. */
    protected long[][] outputShapes(long[][] inputShapes) {
        return new long[][] {inputShapes[0]};
    }

    /**
     * Fills {@code outputs} (fresh row-major arrays of {@link #outputShapes}) from {@code inputs}
     * (row-major, see {@link #rowMajor}), float32 only.
     */
    protected abstract void compute(INDArray[] inputs, INDArray[] outputs);

    /** Runs the op on the arrays SameDiff's session put in its context. */
    final void execute(OpContext context) {
        INDArray[] in = float32RowMajor(context.getInputArrays().toArray(new INDArray[0]));
        compute(in, context.getOutputArrays().toArray(new INDArray[0]));
    }

    /**
     * Runs the op on {@code inputs} without an op context ({@link OpSchedule}), its outputs from
     * {@code memory}; output i outlives the pass when {@code kept[i]}.
     */
    final INDArray[] run(INDArray[] inputs, AbstractMemoryMgr memory, boolean[] kept) {
        INDArray[] in = float32RowMajor(inputs);
        long[][] shapes = outputShapes(Arrays.stream(in).map(INDArray::shape).toArray(long[][]::new));
        INDArray[] out = new INDArray[shapes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = memory.allocate(kept[i], DataType.FLOAT, shapes[i]);
        }
        compute(in, out);
        return out;
    }

    private INDArray[] float32RowMajor(INDArray[] inputs) {
        INDArray[] in = new INDArray[inputs.length];
        for (int i = 0; i < in.length; i++) {
            if (inputs[i].dataType() != DataType.FLOAT) {
                throw new IllegalStateException(opName() + " computes float32 only, got " + inputs[i].dataType());
            }
            in[i] = rowMajor(inputs[i]);
        }
        return in;
    }

    @Override
    public List<DataType> calculateOutputDataTypes(List<DataType> inputTypes) {
        return Collections.nCopies(getNumOutputs(), inputTypes.get(0));
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape(OpContext context) {
        return shapesFor(context.getInputArrays());
    }

    @Override
    public List<LongShapeDescriptor> calculateOutputShape() {
        return shapesFor(inputArguments());
    }

    private List<LongShapeDescriptor> shapesFor(List<INDArray> inputs) {
        long[][] shapes = outputShapes(inputs.stream().map(INDArray::shape).toArray(long[][]::new));
        List<LongShapeDescriptor> out = new ArrayList<>();
        for (long[] shape : shapes) {
            out.add(LongShapeDescriptor.fromShape(shape, inputs.get(0).dataType()));
        }
        return out;
    }

    /** ND4J would look the op up in its native library, where it does not exist: say who runs it. */
    @Override
    public long opHash() {
        throw new IllegalStateException("op " + opName() + " is computed in Java by the ViL graphs' own session "
                + "(FixedGraphSession, GraphPool); it cannot run in another SameDiff session");
    }

    /** Fails unless {@code a} and {@code b} have as many elements (an input and its gradient). */
    protected final void sameLength(INDArray a, INDArray b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException(opName() + ": inputs of shapes " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()) + " should have as many elements");
        }
    }

    /** No named properties (ND4J looks them up in its op descriptors): settings are integer arguments. */
    @Override
    public Map<String, Object> propertiesForFunction() {
        return Map.of();
    }

    /** Setting {@code i} of the op (its integer arguments survive SameDiff's copies). */
    protected final long setting(int i) {
        return iArgs()[i];
    }

    /**
     * Makes {@code prototype}'s op name known to SameDiff's op lookup, which the gradient function's
     * copy of the graph goes through ({@code FlatBuffersMapper.fromFlatNode}).
     */
    static void register(JavaKernelOp prototype) {
        synchronized (ImportClassMapping.class) {
            ImportClassMapping.getOpNameMapping().putIfAbsent(prototype.opName(), prototype);
        }
    }

    /** {@code a} itself when it is row-major and dense, else a row-major copy. */
    static INDArray rowMajor(INDArray a) {
        return isDenseRowMajor(a) ? a : a.dup('c');
    }

    /** Whether {@code a}'s elements lie in row-major order without gaps. */
    static boolean isDenseRowMajor(INDArray a) {
        return a.ordering() == 'c' && Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), 'c'));
    }

    /** The bytes of a dense row-major array, from its first element, in native order. */
    static ByteBuffer bytes(INDArray a) {
        long length = a.length() * a.dataType().width();
        if (length > Integer.MAX_VALUE) {
            throw new IllegalStateException("an array of " + length + " bytes is too large for the Java kernels "
                    + "(at most 2 GB each): use a smaller batch, or -D" + ElementwiseKernels.PROPERTY + "=nd4j");
        }
        BytePointer p = new BytePointer(a.data().addressPointer());
        return p.capacity(length).asByteBuffer().order(ByteOrder.nativeOrder());
    }
}
