package io.vilspark.model;

import static io.vilspark.testing.ReferenceCase.assertClose;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.vilspark.testing.ReferenceCase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every form of the mLSTM cell against the reference's parallel_stabilized_simple: output and all
 * five input gradients. The reverse (anti-causal) cell gets the flipped inputs, and its output and
 * gradients are flipped back before the comparison.
 */
class MLstmCellTest {
    private static final String[] INPUTS = {"q", "k", "v", "igate_preact", "fgate_preact"};
    private static final String S16 = "B2_NH4_S16_DH8";
    private static final String S196 = "B1_NH4_S196_DH24";
    private static final String WIDE = "B1_NH2_S64_DH8_widegates";

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(S16, MLstmForm.PARALLEL, 0, false),
                Arguments.of(S196, MLstmForm.PARALLEL, 0, false),
                Arguments.of(WIDE, MLstmForm.PARALLEL, 0, false),
                Arguments.of(S16, MLstmForm.PARALLEL, 0, true),
                Arguments.of(WIDE, MLstmForm.PARALLEL, 0, true),
                // chunk sizes: a padded last chunk, exact chunks, one chunk, chunks of one step
                Arguments.of(S16, MLstmForm.CHUNKWISE, 5, false),
                Arguments.of(S16, MLstmForm.CHUNKWISE, 5, true),
                Arguments.of(S16, MLstmForm.CHUNKWISE, 4, false),
                Arguments.of(S16, MLstmForm.CHUNKWISE, 1, true),
                Arguments.of(S16, MLstmForm.CHUNKWISE, 64, false),
                Arguments.of(S196, MLstmForm.CHUNKWISE, 64, false),
                Arguments.of(S196, MLstmForm.CHUNKWISE, 64, true),
                Arguments.of(S196, MLstmForm.CHUNKWISE, 49, false),
                Arguments.of(WIDE, MLstmForm.CHUNKWISE, 16, false),
                Arguments.of(WIDE, MLstmForm.CHUNKWISE, 7, false),
                Arguments.of(WIDE, MLstmForm.CHUNKWISE, 13, true),
                Arguments.of(S16, MLstmForm.RECURRENT, 0, false),
                Arguments.of(S16, MLstmForm.RECURRENT, 0, true),
                Arguments.of(WIDE, MLstmForm.RECURRENT, 0, false),
                Arguments.of(WIDE, MLstmForm.RECURRENT, 0, true));
    }

    static Stream<Arguments> doubleCases() {
        return Stream.of(
                Arguments.of(WIDE, MLstmForm.CHUNKWISE, 7, true),
                Arguments.of(WIDE, MLstmForm.CHUNKWISE, 7, false),
                Arguments.of(S196, MLstmForm.CHUNKWISE, 64, true),
                Arguments.of(WIDE, MLstmForm.RECURRENT, 0, true),
                Arguments.of(WIDE, MLstmForm.PARALLEL, 0, true));
    }

    /**
     * In double precision every form equals the reference's float64 output to rounding: the forms
     * are the same function (in float32 they differ from the reference by summation order only).
     */
    @ParameterizedTest(name = "{0} {1} chunk {2} reverse {3}")
    @MethodSource("doubleCases")
    void formMatchesFloat64ReferenceInDouble(String shape, MLstmForm form, int chunkSize, boolean reverse) throws Exception {
        ReferenceCase c = new ReferenceCase("mlstm_cell/" + shape);
        INDArray q = c.npy("q.npy");
        int heads = (int) q.size(1);
        int seqLen = (int) q.size(2);
        int headDim = (int) q.size(3);
        SameDiff sd = SameDiff.create();
        SDVariable[] in = new SDVariable[INPUTS.length];
        for (int i = 0; i < INPUTS.length; i++) {
            in[i] = sd.var(INPUTS[i], flip(c.npy(INPUTS[i] + ".npy"), reverse).castTo(DataType.DOUBLE));
        }
        SDVariable h = form.define(sd, in[0].reshape(-1, seqLen, headDim),
                        in[1].reshape(-1, seqLen, headDim).div(Math.sqrt(headDim)), in[2].reshape(-1, seqLen, headDim),
                        in[3].reshape(-1, seqLen), in[4].reshape(-1, seqLen), seqLen, headDim, chunkSize, reverse,
                        ElementwiseKernels.ND4J)
                .hidden().reshape(-1, heads, seqLen, headDim);
        // the float32 inputs are exact in double: only the reference's float64 rounding remains
        assertClose(shape + " " + form + " double", c.npy("h_f64.npy"), flip(h.eval(), reverse), 1e-9);
    }

    /** Flips axis 2 (the sequence of [B, NH, S, ...]) on the Java side, outside the graph under test. */
    private static INDArray flip(INDArray x, boolean reverse) {
        if (!reverse) {
            return x;
        }
        long s = x.size(2);
        INDArray out = x.dup();
        for (long t = 0; t < s; t++) {
            out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t))
                    .assign(x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.point(s - 1 - t)));
        }
        return out;
    }

    /** In float32 with ND4J's ops and with the fused Java kernels (as the training graphs run them). */
    @ParameterizedTest(name = "{0} {1} chunk {2} reverse {3}")
    @MethodSource("cases")
    void formMatchesReference(String shape, MLstmForm form, int chunkSize, boolean reverse) throws Exception {
        for (ElementwiseKernels kernels : List.of(ElementwiseKernels.ND4J, ElementwiseKernels.JAVA)) {
            formMatchesReference(shape, form, chunkSize, reverse, kernels);
        }
    }

    private void formMatchesReference(String shape, MLstmForm form, int chunkSize, boolean reverse,
                                      ElementwiseKernels kernels) throws Exception {
        ReferenceCase c = new ReferenceCase("mlstm_cell/" + shape);
        INDArray q = c.npy("q.npy");
        int heads = (int) q.size(1);
        int seqLen = (int) q.size(2);
        int headDim = (int) q.size(3);

        SameDiff sd = SameDiff.create();
        SDVariable[] in = new SDVariable[INPUTS.length];
        for (int i = 0; i < INPUTS.length; i++) {
            INDArray value = flip(c.npy(INPUTS[i] + ".npy"), reverse);
            in[i] = sd.var(INPUTS[i], value.castTo(DataType.FLOAT));
        }
        // the cell takes (head, sample) sequences stacked, k pre-scaled by 1/sqrt(DH), gates [X, S]
        SDVariable h = form.define(sd, in[0].reshape(-1, seqLen, headDim),
                        in[1].reshape(-1, seqLen, headDim).div(Math.sqrt(headDim)), in[2].reshape(-1, seqLen, headDim),
                        in[3].reshape(-1, seqLen), in[4].reshape(-1, seqLen), seqLen, headDim, chunkSize, reverse, kernels)
                .hidden().reshape(-1, heads, seqLen, headDim);
        SDVariable r = sd.constant("R", flip(c.npy("R.npy"), reverse).castTo(DataType.FLOAT));
        SDVariable loss = h.mul(r).sum();
        sd.setLossVariables(loss);
        if (kernels.isJava()) {
            ElementwiseKernelsTest.runInFixedGraphSessions(sd);
        }

        String what = shape + " " + form + " chunk " + chunkSize + (reverse ? " reverse" : "") + " " + kernels;
        INDArray out = flip(h.eval(), reverse);
        assertClose(what + " h", c.npy("h.npy"), out, 1e-5);
        assertClose(what + " h vs float64", c.npy("h_f64.npy"), out, 1e-5);

        Map<String, INDArray> grads = sd.calculateGradients(Map.of(), List.of(INPUTS));
        for (String name : INPUTS) {
            INDArray expected = c.npy("grad_" + name + ".npy");
            INDArray actual = flip(grads.get(name).reshape(expected.shape()), reverse);
            assertClose(what + " grad " + name, expected, actual, 5e-5);
        }
        Nd4j.getMemoryManager().invokeGc();
    }
}
