package io.vilspark.model;

import java.util.Map;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tokens {@code [B, dim, S]} to the head's input {@code [B, F]}: the first and the last token,
 * concatenated ({@code bilateral_flatten}) or averaged ({@code bilateral_avg}), then the
 * optional {@code legacy_norm} (a plain {@code nn.LayerNorm}, eps 1e-5).
 */
public class BilateralPoolingLayer extends ViLLayerBase {
    private int dim;
    private int seqLen;
    private Pooling pooling = Pooling.BILATERAL_FLATTEN;
    private boolean legacyNorm;

    public BilateralPoolingLayer() {
    }

    public BilateralPoolingLayer(ViLConfig config) {
        this.dim = config.dim();
        this.seqLen = config.sequenceLength();
        this.pooling = config.pooling();
        this.legacyNorm = config.legacyNorm();
    }

    private int featureSize() {
        return pooling.featureSize(dim);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        if (legacyNorm) {
            bias(params, "legacy_norm.weight", featureSize());
            bias(params, "legacy_norm.bias", featureSize());
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        if (legacyNorm) {
            param(params, "legacy_norm.weight").assign(1);
            param(params, "legacy_norm.bias").assign(0);
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable tokens, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable first = tokens.get(SDIndex.all(), SDIndex.all(), SDIndex.point(0));
        SDVariable last = tokens.get(SDIndex.all(), SDIndex.all(), SDIndex.point(seqLen - 1));
        SDVariable pooled = pooling == Pooling.BILATERAL_FLATTEN
                ? sd.concat(1, first, last)
                : first.add(last).mul(0.5);
        if (!legacyNorm) {
            return pooled;
        }
        return GraphOps.layerNorm(sd, pooled, param(params, "legacy_norm.weight", true),
                param(params, "legacy_norm.bias", true), false, 1e-5, 1);
    }

    /** The output is one vector per image: the token mask (if any) ends here. */
    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(null, null);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(featureSize());
    }

    public int getDim() { return dim; }
    public void setDim(int dim) { this.dim = dim; }
    public int getSeqLen() { return seqLen; }
    public void setSeqLen(int seqLen) { this.seqLen = seqLen; }
    public Pooling getPooling() { return pooling; }
    public void setPooling(Pooling pooling) { this.pooling = pooling; }
    public boolean isLegacyNorm() { return legacyNorm; }
    public void setLegacyNorm(boolean legacyNorm) { this.legacyNorm = legacyNorm; }
}
