package io.vilspark.model;

import java.util.Collections;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures, once per JVM, by what factor DL4J's plain SameDiff layer scales the gradients it
 * returns: 2 on DL4J 1.0.0-M2.1, 1 on a DL4J where the bug is fixed.
 */
public final class SameDiffGradientProbe {
    private static volatile Double factor;

    private SameDiffGradientProbe() {
    }

    public static double gradientFactor() {
        Double f = factor;
        if (f == null) {
            synchronized (SameDiffGradientProbe.class) {
                if (factor == null) {
                    factor = QuietStdout.call(SameDiffGradientProbe::measure);
                }
                f = factor;
            }
        }
        return f;
    }

    /**
     * Replaces the measured factor (null: measure again). Only for tests that show the gradient
     * check catching the uncorrected layer.
     */
    static synchronized void overrideFactor(Double value) {
        factor = value;
    }

    /** y = x * w on a plain DL4J SameDiff layer; the true dL/dw for incoming gradient e is sum(x * e). */
    private static double measure() {
        ScaleLayer conf = new ScaleLayer();
        NeuralNetConfiguration nnc = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).layer(conf).build();
        INDArray paramsView = Nd4j.zeros(DataType.DOUBLE, 1, 3);
        Layer layer = conf.instantiate(nnc, Collections.emptyList(), 0, paramsView, true, DataType.DOUBLE);
        layer.setBackpropGradientsViewArray(Nd4j.zeros(DataType.DOUBLE, 1, 3));
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}});
        INDArray e = Nd4j.createFromArray(new double[][] {{0.5, -1, 2}, {1, 1, -0.25}});
        layer.setInput(x, mgr);
        layer.activate(true, mgr);
        Pair<Gradient, INDArray> grads = layer.backpropGradient(e, mgr);
        double measured = grads.getFirst().getGradientFor("w").getDouble(0);
        double expected = x.mul(e).sum(0).getDouble(0);
        double ratio = measured / expected;
        if (Math.abs(ratio - Math.rint(ratio)) > 1e-6 || Math.rint(ratio) < 1) {
            throw new IllegalStateException("unexpected SameDiff layer gradient scale " + ratio
                    + " (expected 1 or 2): this DL4J version is not supported");
        }
        return Math.rint(ratio);
    }

    /** The probe layer: y = x * w (DL4J's own runtime layer, not the corrected one). */
    public static final class ScaleLayer extends SameDiffLayer {
        @Override
        public InputType getOutputType(int layerIndex, InputType inputType) {
            return inputType;
        }

        @Override
        public void defineParameters(SDLayerParams params) {
            params.addWeightParam("w", 1, 3);
        }

        @Override
        public void initializeParameters(Map<String, INDArray> params) {
            params.get("w").assign(Nd4j.createFromArray(new double[][] {{0.5, 1.5, -2}}));
        }

        @Override
        public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
            return input.mul(params.get("w"));
        }
    }
}
