package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a graph computes its element-wise hot spots and its products of stacked matrices (SiLU, the mLSTM's decayed scores and running
 * maxima, per-channel biases and scales, layer norms, the residual with the down-projection's bias,
 * the depthwise conv of {@link DepthwiseConv}): with ND4J's ops, or with fused Java ops ({@link
 * JavaKernelOp}) that only the graphs' own session ({@link FixedGraphSession}) runs. The Java ops
 * need the JDK's incubating vector API ({@code --add-modules jdk.incubator.vector}, which the
 * launchers, the job submission and the tests add); without it, with {@code -Dvil.kernels=nd4j}, or
 * on ND4J's GPU backend, graphs keep ND4J's ops. Both compute the same functions to float32 rounding.
 */
public final class ElementwiseKernels {
    /** ND4J's ops: for graphs run by any SameDiff session, and for double precision. */
    static final ElementwiseKernels ND4J = new ElementwiseKernels(false);
    /** The fused Java ops (float32, {@link FixedGraphSession} only). */
    static final ElementwiseKernels JAVA = new ElementwiseKernels(true);
    /** {@code -Dvil.kernels=nd4j} keeps ND4J's ops in every graph (for comparisons). */
    static final String PROPERTY = "vil.kernels";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final Logger LOG = LoggerFactory.getLogger(ElementwiseKernels.class);
    private static volatile boolean reportedMissing;

    static {
        for (JavaKernelOp op : new JavaKernelOp[] {new SiLUOp(), new SiLUGradientOp(),
                new DecayedScoresOp(), new DecayedScoresGradientOp(), new RunningMaxOp(), new RunningMaxGradientOp(),
                new RowBiasOp(), new RowSumsOp(), new RowScaleOp(), new RowScaleGradientOp(),
                new StandardizeRowsOp(), new StandardizeRowsGradientOp(), new ResidualWithBiasOp(), new ColumnSumsOp(),
                new DepthwiseConvOp(), new DepthwiseConvGradientOp(), new BatchedMatmulOp()}) {
            JavaKernelOp.register(op);
        }
    }

    private final boolean java;

    private ElementwiseKernels(boolean java) {
        this.java = java;
    }

    /** The kernels for {@link GraphPool}'s graphs of this data type, on this JVM's ND4J backend. */
    static ElementwiseKernels forGraphPool(DataType dataType) {
        return forGraphPool(dataType, Nd4j.getEnvironment().isCPU());
    }

    /**
     * As {@link #forGraphPool(DataType)} on ND4J's CPU backend or another one: the Java ops read and
     * write arrays through their host memory, which on a GPU backend is not where ND4J keeps the
     * current values, so GPU graphs keep ND4J's ops.
     */
    static ElementwiseKernels forGraphPool(DataType dataType, boolean cpuBackend) {
        return dataType == DataType.FLOAT && cpuBackend && javaAvailable() ? JAVA : ND4J;
    }

    /** Whether the Java ops can run in this JVM and are not switched off. */
    static boolean javaAvailable() {
        if ("nd4j".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            return false;
        }
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent()) {
            return true;
        }
        if (!reportedMissing) {
            reportedMissing = true;
            LOG.warn("this JVM lacks {} (start it with --add-modules {}): ViL graphs use ND4J's slower "
                    + "element-wise ops", VECTOR_MODULE, VECTOR_MODULE);
        }
        return false;
    }

    /** Which kernels this JVM's float32 graphs use, for the header lines of benchmarks and training. */
    public static String describe() {
        return forGraphPool(DataType.FLOAT) == JAVA ? "element-wise ops in Java (" + VECTOR_MODULE + ")"
                : "element-wise ops in ND4J";
    }

    boolean isJava() {
        return java;
    }

    @Override
    public String toString() {
        return java ? "Java kernels" : "ND4J ops";
    }

    /**
     * {@code op(a[x]) @ op(b[x])} for stacks of matrices {@code [X, rows, cols]}, {@code op} an optional
     * transpose (the cell's per-head products, the headwise projections).
     */
    SDVariable batchedMatmul(SameDiff sd, SDVariable a, SDVariable b, boolean transposeA, boolean transposeB) {
        return java ? new BatchedMatmulOp(sd, a, b, transposeA, transposeB).outputVariable()
                : sd.mmul(a, b, transposeA, transposeB, false);
    }

    /** {@code x * sigmoid(x)}. */
    SDVariable silu(SameDiff sd, SDVariable x) {
        return java ? new SiLUOp(sd, x).outputVariable() : sd.nn().swish(x);
    }

    /** {@code x [C, n] + b[c]}: a bias per channel on channel-major activations. */
    SDVariable addRowBias(SameDiff sd, SDVariable x, SDVariable b) {
        return java ? new RowBiasOp(sd, x, b).outputVariable() : x.add(b.reshape(-1, 1));
    }

    /**
     * {@code x [C, n] * v[c]}: a scale per channel on channel-major activations. ND4J's form is
     * {@link GraphOps#scaleChannels} ({@code onesRow} a row of n ones in a differentiated graph, else null).
     */
    SDVariable scaleRows(SameDiff sd, SDVariable x, SDVariable v, SDVariable onesRow) {
        return java ? new RowScaleOp(sd, x, v).outputVariable() : GraphOps.scaleChannels(x, v, onesRow);
    }

    /**
     * Layer norm without scale and shift over the rows of {@code x [R, width]}, eps {@code epsRows
     * [R, 1]} when given, else {@code eps}. ND4J's forms: {@link GraphOps#standardizeRows} in a
     * differentiated graph ({@code backprop}), {@link GraphOps#standardize} in a forward one.
     */
    SDVariable standardizeRows(SameDiff sd, SDVariable x, int width, SDVariable epsRows, double eps, boolean backprop) {
        if (java) {
            return new StandardizeRowsOp(sd, x, epsRows, epsRows == null ? eps : 0.0).outputVariable();
        }
        if (backprop) {
            return GraphOps.standardizeRows(sd, x, width, epsRows, eps);
        }
        return epsRows == null ? GraphOps.standardize(sd, x, eps, 1) : GraphOps.standardize(sd, x, epsRows, 1);
    }

    /** {@code x + branch + b[c]} for token rows {@code x, branch [n, D]}: a residual connection with the branch's bias. */
    SDVariable residualWithBias(SameDiff sd, SDVariable x, SDVariable branch, SDVariable b) {
        return java ? new ResidualWithBiasOp(sd, x, branch, b).outputVariable() : x.add(branch.add(b));
    }

    /** Prefix maxima along the rows of {@code x [R, len]}, suffix maxima in reverse (the cell's stabiliser). */
    SDVariable runningMax(SameDiff sd, SDVariable x, int len, boolean reverse) {
        return java ? new RunningMaxOp(sd, x, reverse).outputVariable() : MLstmCell.runningMax(sd, x, len, reverse);
    }

    /** The mLSTM's scores times their decay, and their row sums. */
    record DecayedScores(SDVariable scores, SDVariable rowSums) {
    }

    /**
     * {@code scores[x, i, j] = qk[x, i, j] * exp(((rowLog[x, i] - cum[x, j]) + ig[x, j]) + mask[i, j])}
     * with the causal mask of {@link MLstmCell#causalMask}, and {@code rowSums [X, L, 1]}.
     *
     * @param qk     {@code [X, L, L]}
     * @param rowLog {@code [X, L]}, as are {@code cum} and {@code ig}
     */
    DecayedScores decayedScores(SameDiff sd, SDVariable qk, SDVariable rowLog, SDVariable cum, SDVariable ig,
                                int len, boolean reverse) {
        if (java) {
            SDVariable[] out = new DecayedScoresOp(sd, qk, rowLog, cum, ig, reverse).outputVariables();
            return new DecayedScores(out[0], out[1]);
        }
        SDVariable decay = sd.math().exp(rowLog.reshape(-1, len, 1).sub(cum.reshape(-1, 1, len))
                .add(ig.reshape(-1, 1, len))
                .add(sd.constant(MLstmCell.causalMask(len, reverse, qk.dataType()))));
        SDVariable scores = qk.mul(decay);
        return new DecayedScores(scores, scores.sum(true, 2));
    }
}
