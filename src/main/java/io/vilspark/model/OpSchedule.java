package io.vilspark.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.ReduceOp;
import org.nd4j.linalg.api.ops.ScalarOp;
import org.nd4j.linalg.api.ops.custom.Invoke;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.BaseCompatOp;
import org.nd4j.linalg.api.ops.impl.layers.ExternalErrorsFunction;
import org.nd4j.linalg.api.ops.impl.shape.CreateView;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.api.ops.impl.shape.tensorops.BaseTensorOp;
import org.nd4j.linalg.api.ops.impl.transforms.Assert;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.GradientBackwardsMarker;
import org.nd4j.linalg.api.ops.impl.transforms.same.Identity;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ops that compute a set of outputs of a complete graph (one whose structure is fixed), in the
 * order SameDiff ran them on a first pass, with every array's last reader worked out once: a pass
 * runs the ops one after the other on an array of slots, one per variable, and hands each array back
 * to the pass's memory right after its last reader.
 *
 * <p>SameDiff 1.0.0-M2.1's session does all of that work on every pass: it registers every variable
 * of the graph with a dependency tracker, looks each op's inputs up by name in hash maps and a
 * Patricia trie, and tracks every array's readers in sets. At the ViL graphs' thousands of mostly
 * small ops that bookkeeping costs 75-110 us per op, about 30% of a training pass (JFR).
 *
 * <p>Only for data-flow graphs: a graph with control flow, control dependencies, in-place or
 * pass-through ops ({@link #of} returns null) runs in SameDiff's own session.
 */
final class OpSchedule {
    private enum Source { COMPUTED, VARIABLE, PLACEHOLDER }

    /**
     * One op: its input and output slots, its outputs' data types (SameDiff's shape functions may
     * give another type, and the variable's declared type wins, as in SameDiff's session), which
     * outputs the caller keeps, and the slots whose last reader it is.
     */
    private static final class Step {
        final SameDiffOp op;
        final int[] inputs;
        final int[] outputs;
        final DataType[] outputTypes;
        final boolean[] kept;
        int[] releasedAfter = new int[0];
        /** Built on first use: a native object of ND4J's. */
        OpContext context;
        /** The input shapes of the last pass and the output shapes they gave ({@link #outputShapes}). */
        long[][] lastInputShapes;
        List<LongShapeDescriptor> lastOutputShapes;

        Step(SameDiffOp op, int[] inputs, int[] outputs, DataType[] outputTypes, boolean[] kept) {
            this.op = op;
            this.inputs = inputs;
            this.outputs = outputs;
            this.outputTypes = outputTypes;
            this.kept = kept;
        }

        OpContext context() {
            if (context == null) {
                context = Nd4j.getExecutioner().buildContext();
            }
            return context;
        }
    }

    private final SameDiff sameDiff;
    private final String[] names;
    private final Source[] sources;
    private final List<Step> steps;
    private final List<String> requested;
    private final int[] requestedSlots;

    private OpSchedule(SameDiff sameDiff, String[] names, Source[] sources, List<Step> steps, List<String> requested,
                       int[] requestedSlots) {
        this.sameDiff = sameDiff;
        this.names = names;
        this.sources = sources;
        this.steps = steps;
        this.requested = requested;
        this.requestedSlots = requestedSlots;
    }

    /**
     * The schedule of {@code ops} (the names of the ops SameDiff ran for {@code outputs}, in its order),
     * or null when one of them is not a plain data-flow op or they do not compute every output.
     */
    static OpSchedule of(SameDiff sd, List<String> ops, Collection<String> outputs) {
        Map<String, Integer> slots = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<Source> sources = new ArrayList<>();
        List<Integer> producedAt = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        Set<String> outputSet = Set.copyOf(outputs);
        for (String name : ops) {
            SameDiffOp op = sd.getOps().get(name);
            if (op == null || !isPlainDataFlow(op)) {
                return null;
            }
            String[] args = op.getOp().argNames();
            int[] in = new int[args == null ? 0 : args.length];
            for (int i = 0; i < in.length; i++) {
                Integer slot = slots.get(args[i]);
                if (slot == null) {
                    Source source = sourceOf(sd, args[i]);
                    if (source == Source.COMPUTED) {
                        return null;   // read before any listed op computes it
                    }
                    slot = addSlot(slots, names, sources, producedAt, args[i], source, -1);
                }
                in[i] = slot;
            }
            List<String> outNames = op.getOutputsOfOp();
            int[] out = new int[outNames.size()];
            DataType[] types = new DataType[out.length];
            boolean[] kept = new boolean[out.length];
            for (int i = 0; i < out.length; i++) {
                if (slots.containsKey(outNames.get(i))) {
                    return null;   // computed twice, or a source overwritten
                }
                out[i] = addSlot(slots, names, sources, producedAt, outNames.get(i), Source.COMPUTED, steps.size());
                types[i] = sd.getVariable(outNames.get(i)).dataType();
                kept[i] = outputSet.contains(outNames.get(i));
            }
            steps.add(new Step(op, in, out, types, kept));
        }
        List<String> requested = List.copyOf(outputSet);
        int[] requestedSlots = new int[requested.size()];
        for (int i = 0; i < requestedSlots.length; i++) {
            String name = requested.get(i);
            Integer slot = slots.get(name);
            if (slot == null) {
                Source source = sourceOf(sd, name);
                if (source == Source.COMPUTED) {
                    return null;
                }
                slot = addSlot(slots, names, sources, producedAt, name, source, -1);
            }
            requestedSlots[i] = slot;
        }
        releaseAfterLastReader(steps, sources, producedAt, requestedSlots);
        return new OpSchedule(sd, names.toArray(new String[0]), sources.toArray(new Source[0]), steps, requested,
                requestedSlots);
    }

    /**
     * Ops that read their inputs and write fresh outputs, and identities ({@link #identity}). Left to
     * SameDiff: control flow, tensor lists, assignments and views, and legacy reductions and scalar
     * ops whose axis or scalar comes from a second input.
     */
    private static boolean isPlainDataFlow(SameDiffOp op) {
        if (!isEmpty(op.getControlDeps()) || !isEmpty(op.getVarControlDeps())) {
            return false;
        }
        DifferentialFunction f = op.getOp();
        if (f instanceof JavaKernelOp || f instanceof Identity) {
            return true;
        }
        if (f instanceof BaseCompatOp || f instanceof BaseTensorOp || f instanceof CreateView
                || f instanceof org.nd4j.linalg.api.ops.impl.transforms.custom.Assign
                || f instanceof org.nd4j.linalg.api.ops.impl.transforms.any.Assign || f instanceof Invoke
                || f instanceof Assert || f instanceof ExternalErrorsFunction || f instanceof GradientBackwardsMarker) {
            return false;
        }
        if (f instanceof DynamicCustomOp) {
            return true;
        }
        if (f instanceof BaseOp) {
            int args = f.argNames() == null ? 0 : f.argNames().length;
            return args == 1 || (args == 2 && !(f instanceof ReduceOp) && !(f instanceof ScalarOp));
        }
        return false;
    }

    private static boolean isEmpty(List<String> list) {
        return list == null || list.isEmpty();
    }

    private static Source sourceOf(SameDiff sd, String name) {
        VariableType type = sd.getVariable(name).getVariableType();
        return switch (type) {
            case VARIABLE, CONSTANT -> Source.VARIABLE;
            case PLACEHOLDER -> Source.PLACEHOLDER;
            default -> Source.COMPUTED;
        };
    }

    private static int addSlot(Map<String, Integer> slots, List<String> names, List<Source> sources,
                               List<Integer> producedAt, String name, Source source, int step) {
        int slot = names.size();
        slots.put(name, slot);
        names.add(name);
        sources.add(source);
        producedAt.add(step);
        return slot;
    }

    /**
     * Each computed array that the caller does not keep goes back to the pass's memory after the step
     * that reads it last, or right after its own step when no op reads it.
     */
    private static void releaseAfterLastReader(List<Step> steps, List<Source> sources, List<Integer> producedAt,
                                               int[] requestedSlots) {
        int[] lastReader = new int[sources.size()];
        Arrays.fill(lastReader, -1);
        for (int s = 0; s < steps.size(); s++) {
            for (int slot : steps.get(s).inputs) {
                lastReader[slot] = s;
            }
        }
        boolean[] requested = new boolean[sources.size()];
        for (int slot : requestedSlots) {
            requested[slot] = true;
        }
        Map<Integer, List<Integer>> releases = new LinkedHashMap<>();
        for (int slot = 0; slot < sources.size(); slot++) {
            if (sources.get(slot) != Source.COMPUTED || requested[slot]) {
                continue;
            }
            int after = lastReader[slot] >= 0 ? lastReader[slot] : producedAt.get(slot);
            releases.computeIfAbsent(after, s -> new ArrayList<>()).add(slot);
        }
        releases.forEach((s, list) -> steps.get(s).releasedAfter = list.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Ops in the schedule (for tests). */
    int size() {
        return steps.size();
    }

    /**
     * One pass: the requested outputs (arrays of their own, kept by {@code memory}) from
     * {@code placeholders}, the graph's current parameter arrays and the scheduled ops.
     */
    ExecutionResult run(Map<String, INDArray> placeholders, PassMemory memory, List<Listener> listeners, At at,
                        org.nd4j.linalg.dataset.api.MultiDataSet batch) {
        INDArray[] slots = new INDArray[names.length];
        for (int slot = 0; slot < names.length; slot++) {
            if (sources[slot] == Source.VARIABLE) {
                slots[slot] = sameDiff.getArrForVarName(names[slot]);
            } else if (sources[slot] == Source.PLACEHOLDER) {
                slots[slot] = placeholder(placeholders, names[slot]);
            }
        }
        List<Listener> active = listeners == null ? List.of()
                : listeners.stream().filter(l -> l.isActive(at.operation())).toList();
        for (Step step : steps) {
            INDArray[] in = new INDArray[step.inputs.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = slots[step.inputs[i]];
            }
            INDArray[] out = execute(step, in, memory, active, at, batch);
            for (int i = 0; i < out.length; i++) {
                slots[step.outputs[i]] = out[i];
            }
            for (int slot : step.releasedAfter) {
                memory.release(slots[slot]);
                slots[slot] = null;
            }
        }
        Map<String, SDValue> values = new LinkedHashMap<>();
        for (int i = 0; i < requestedSlots.length; i++) {
            values.put(requested.get(i), SDValue.create(slots[requestedSlots[i]]));
        }
        return ExecutionResult.builder().valueOutputs(values).build();
    }

    private INDArray placeholder(Map<String, INDArray> placeholders, String name) {
        INDArray array = placeholders == null ? null : placeholders.get(name);
        if (array == null) {
            throw new IllegalStateException("no array for the graph's input \"" + name + "\"");
        }
        DataType declared = sameDiff.getVariable(name).dataType();
        if (array.dataType() != declared) {
            throw new IllegalArgumentException("the graph's input \"" + name + "\" is " + declared + ", got "
                    + array.dataType());
        }
        return array;
    }

    private INDArray[] execute(Step step, INDArray[] in, PassMemory memory, List<Listener> listeners, At at,
                               org.nd4j.linalg.dataset.api.MultiDataSet batch) {
        DifferentialFunction f = step.op.getOp();
        boolean inJava = f instanceof JavaKernelOp || f instanceof Identity;
        OpContext context = listeners.isEmpty() && inJava ? null : step.context();
        for (Listener l : listeners) {
            if (inJava) {
                context.setInputArrays(in);   // listeners read the inputs from the context
            }
            l.preOpExecution(sameDiff, at, step.op, context);
        }
        INDArray[] out;
        if (f instanceof Identity) {
            out = new INDArray[] {identity(in[0], memory)};
        } else if (f instanceof JavaKernelOp kernel) {
            out = kernel.run(in, memory, step.kept);
        } else if (f instanceof DynamicCustomOp op) {
            out = executeCustom(step, op, in, context, memory);
        } else {
            out = executeLegacy(step, (BaseOp) f, in, context, memory);
        }
        for (Listener l : listeners) {
            l.opExecution(sameDiff, at, batch, step.op, context, out);
        }
        f.clearArrays();
        if (context != null) {
            context.purge();
        }
        return out;
    }

    private static INDArray[] executeCustom(Step step, DynamicCustomOp op, INDArray[] in, OpContext context,
                                            PassMemory memory) {
        context.setArgs(in, op.iArgs(), op.dArgs(), op.tArgs(), op.bArgs());
        List<LongShapeDescriptor> shapes = outputShapes(step, op, in, context);
        if (shapes == null || shapes.size() != step.outputs.length) {
            throw new IllegalStateException("op " + op.getOwnName() + " (" + op.opName() + ") gave "
                    + (shapes == null ? 0 : shapes.size()) + " output shapes for " + step.outputs.length + " outputs");
        }
        if (op instanceof Reshape && !step.kept[0]) {
            INDArray view = reshapedView(in[0], shapes.get(0), step.outputTypes[0], memory);
            if (view != null) {
                return new INDArray[] {view};
            }
        }
        INDArray[] out = new INDArray[shapes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = memory.allocate(step.kept[i], withType(shapes.get(i), step.outputTypes[i]));
            context.setOutputArray(i, out[i]);
        }
        Nd4j.exec(op, context);
        return out;
    }

    /**
     * The op's output shapes, asked of ND4J's native shape functions only when the input shapes differ
     * from the last pass's (a pass repeats the previous one's shapes except at a minibatch's smaller
     * last part). An op with an input that is not floating point is always asked: its outputs' shapes
     * may follow that input's values (a reshape's target shape, a slice's bounds).
     */
    private static List<LongShapeDescriptor> outputShapes(Step step, DynamicCustomOp op, INDArray[] in, OpContext context) {
        boolean byShapes = true;
        long[][] shapes = new long[in.length][];
        for (int i = 0; i < in.length; i++) {
            byShapes &= in[i].dataType().isFPType();
            shapes[i] = in[i].shape();
        }
        if (byShapes && step.lastOutputShapes != null && Arrays.deepEquals(shapes, step.lastInputShapes)) {
            return step.lastOutputShapes;
        }
        List<LongShapeDescriptor> out = op.calculateOutputShape(context);
        if (byShapes) {
            step.lastInputShapes = shapes;
            step.lastOutputShapes = out;
        }
        return out;
    }

    private static INDArray[] executeLegacy(Step step, BaseOp op, INDArray[] in, OpContext context, PassMemory memory) {
        for (int i = 0; i < in.length; i++) {
            context.setInputArray(i, in[i]);
        }
        List<LongShapeDescriptor> shapes = op.calculateOutputShape(context);
        if (shapes == null || shapes.size() != 1) {
            throw new IllegalStateException("op " + op.getOwnName() + " (" + op.opName() + ") gave no output shape");
        }
        INDArray z = memory.allocate(step.kept[0], shapes.get(0));
        context.setOutputArray(0, z);
        Nd4j.exec((Op) op, context);
        return new INDArray[] {z};
    }

    /**
     * An identity's output: its input itself, a second holder of the input's buffer ({@link
     * PassMemory#share}), so that the buffer is reused only once both are released (never, while the
     * caller keeps the output).
     */
    private static INDArray identity(INDArray in, PassMemory memory) {
        if (!in.isEmpty()) {
            memory.share(in);
        }
        return in;
    }

    private static LongShapeDescriptor withType(LongShapeDescriptor shape, DataType type) {
        return shape.dataType() == type ? shape : shape.asDataType(type);
    }

    /**
     * The reshape's input seen in the output's shape without a copy, or null where that is not
     * safe: the input must be a dense row-major array of the output's type and length. The view
     * shares the input's buffer, which {@link PassMemory} then reuses only once both are released.
     */
    static INDArray reshapedView(INDArray in, LongShapeDescriptor shape, DataType type, PassMemory memory) {
        long length = 1;
        for (long s : shape.getShape()) {
            length *= s;
        }
        if (in.isEmpty() || shape.isEmpty() || in.dataType() != type || in.length() != length
                || !JavaKernelOp.isDenseRowMajor(in)) {
            return null;
        }
        memory.share(in);
        return in.reshape('c', shape.getShape());
    }
}
