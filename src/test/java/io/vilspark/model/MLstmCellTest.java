package io.vilspark.model;

import static io.vilspark.model.ReferenceCase.assertClose;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The parallel mLSTM cell against the reference's parallel_stabilized_simple: output and all five input gradients. */
class MLstmCellTest {
    private static final String[] INPUTS = {"q", "k", "v", "igate_preact", "fgate_preact"};

    @ParameterizedTest
    @ValueSource(strings = {"B2_NH4_S16_DH8", "B1_NH4_S196_DH24", "B1_NH2_S64_DH8_widegates"})
    void parallelFormMatchesReference(String shape) throws Exception {
        ReferenceCase c = new ReferenceCase("mlstm_cell/" + shape);
        INDArray q = c.npy("q.npy");
        int heads = (int) q.size(1);
        int seqLen = (int) q.size(2);
        int headDim = (int) q.size(3);

        SameDiff sd = SameDiff.create();
        SDVariable[] in = new SDVariable[INPUTS.length];
        for (int i = 0; i < INPUTS.length; i++) {
            INDArray value = c.npy(INPUTS[i] + ".npy");
            in[i] = sd.var(INPUTS[i], value.castTo(DataType.FLOAT));
        }
        // the cell takes (head, sample) sequences stacked, k pre-scaled by 1/sqrt(DH), gates [X, S]
        SDVariable h = MLstmCell.parallel(sd, in[0].reshape(-1, seqLen, headDim),
                        in[1].reshape(-1, seqLen, headDim).div(Math.sqrt(headDim)), in[2].reshape(-1, seqLen, headDim),
                        in[3].reshape(-1, seqLen), in[4].reshape(-1, seqLen), seqLen, false)
                .reshape(-1, heads, seqLen, headDim);
        SDVariable r = sd.constant("R", c.npy("R.npy").castTo(DataType.FLOAT));
        SDVariable loss = h.mul(r).sum();
        sd.setLossVariables(loss);

        INDArray out = h.eval();
        assertClose(shape + " h", c.npy("h.npy"), out, 1e-5);
        assertClose(shape + " h vs float64", c.npy("h_f64.npy"), out, 1e-5);

        Map<String, INDArray> grads = sd.calculateGradients(Map.of(), List.of(INPUTS));
        for (String name : INPUTS) {
            assertClose(shape + " grad " + name, c.npy("grad_" + name + ".npy"), grads.get(name), 5e-5);
        }
    }
}
