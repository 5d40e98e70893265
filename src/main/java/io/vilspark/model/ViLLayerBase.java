package io.vilspark.model;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Common ground of the ViL SameDiff layers: parameters are declared under their reference
 * names (see {@link ReferenceNames}) and the runtime layer is the gradient-corrected one.
 *
 * <p>Layer configurations are serialised by Jackson (model files, Spark): every subclass
 * keeps a no-arg constructor and a getter/setter per field, and must not be renamed or moved.
 */
public abstract class ViLLayerBase extends SameDiffLayer {
    /** The network's seed and this layer's position: its initial parameters follow from them alone. */
    private long initSeed;
    private int initIndex;

    public long getInitSeed() { return initSeed; }
    public void setInitSeed(long initSeed) { this.initSeed = initSeed; }
    public int getInitIndex() { return initIndex; }
    public void setInitIndex(int initIndex) { this.initIndex = initIndex; }

    /** Sets where this layer's initial parameters come from; returns this. */
    ViLLayerBase seeded(long networkSeed, int index) {
        this.initSeed = networkSeed;
        this.initIndex = index;
        return this;
    }

    protected ParamInit random() {
        return ParamInit.of(initSeed, initIndex);
    }

    /** Decayed by weight decay: matrices and kernels. */
    protected static void weight(SDLayerParams params, String referenceName, long... shape) {
        params.addWeightParam(ReferenceNames.toParamKey(referenceName), shape);
    }

    /** Not decayed: biases, norm scales, skips, position embedding. */
    protected static void bias(SDLayerParams params, String referenceName, long... shape) {
        params.addBiasParam(ReferenceNames.toParamKey(referenceName), shape);
    }

    protected static INDArray param(Map<String, INDArray> params, String referenceName) {
        return params.get(ReferenceNames.toParamKey(referenceName));
    }

    protected static <T> T param(Map<String, T> params, String referenceName, boolean present) {
        return present ? params.get(ReferenceNames.toParamKey(referenceName)) : null;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        CorrectedSameDiffLayer layer = new CorrectedSameDiffLayer(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }
}
