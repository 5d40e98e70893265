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
import org.nd4j.linalg.factory.Nd4j;

/** The shifted-window conv (long sequences) against the dense one: output and gradients, both directions. */
class DepthwiseConvTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void shiftedFormEqualsDenseForm(boolean reverse) {
        int channels = 5;
        int batch = 2;
        int gridH = 3;
        int gridW = 4;
        Nd4j.getRandom().setSeed(reverse ? 7 : 8);
        INDArray x = Nd4j.randn(DataType.DOUBLE, channels, (long) batch * gridH * gridW);
        INDArray w = Nd4j.randn(DataType.DOUBLE, channels, 1, 3, 3);
        INDArray r = Nd4j.randn(DataType.DOUBLE, channels, (long) batch * gridH * gridW);
        Map<String, INDArray>[] results = new Map[2];
        INDArray[] outputs = new INDArray[2];
        for (int form = 0; form < 2; form++) {
            SameDiff sd = SameDiff.create();
            SDVariable xv = sd.var("x", x.dup());
            // the shifted form takes the taps as [C, 9]
            SDVariable wv = sd.var("w", form == 0 ? w.dup() : w.reshape(channels, 9).dup());
            SDVariable y = form == 0 ? DepthwiseConv.define(sd, xv, wv, gridH, gridW, reverse)
                    : DepthwiseConv.shifted(sd, xv, wv, channels, gridH, gridW, reverse);
            sd.setLossVariables(y.mul(sd.constant(r)).sum());
            outputs[form] = y.eval();
            results[form] = sd.calculateGradients(Map.of(), List.of("x", "w"));
        }
        assertClose("output", outputs[0], outputs[1], 1e-12);
        assertClose("grad x", results[0].get("x"), results[1].get("x"), 1e-12);
        assertClose("grad w", results[0].get("w").reshape(channels, 9), results[1].get("w"), 1e-12);
    }
}
