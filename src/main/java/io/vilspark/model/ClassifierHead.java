package io.vilspark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything after the blocks: final LayerNorm (eps 1e-6), bilateral pooling of the first and last
 * token, the optional legacy LayerNorm, and the linear head. Only the two pooled tokens are
 * normalised on the way to the logits (the norm is per token); the normalised token sequence is a
 * separate output, computed only when asked for.
 */
final class ClassifierHead {
    static final String HEAD_WEIGHT = "head.weight";
    static final String HEAD_BIAS = "head.bias";

    private final ViLConfig config;

    ClassifierHead(ViLConfig config) {
        this.config = config;
    }

    void declare(SDLayerParams params) {
        NetworkParams.bias(params, "norm.weight", config.dim());
        if (config.normBias()) {
            NetworkParams.bias(params, "norm.bias", config.dim());
        }
        if (config.legacyNorm()) {
            NetworkParams.bias(params, "legacy_norm.weight", config.featureSize());
            NetworkParams.bias(params, "legacy_norm.bias", config.featureSize());
        }
        NetworkParams.weight(params, HEAD_WEIGHT, config.numClasses(), config.featureSize());
        NetworkParams.bias(params, HEAD_BIAS, config.numClasses());
    }

    void initialize(Map<String, INDArray> params, ParamInit random) {
        param(params, "norm.weight").assign(0);
        if (config.normBias()) {
            param(params, "norm.bias").assign(0);
        }
        if (config.legacyNorm()) {
            param(params, "legacy_norm.weight").assign(1);
            param(params, "legacy_norm.bias").assign(0);
        }
        // MAE-style tiny head: trunc_normal(std=2e-5), torch truncates at +-2 absolute, i.e. never
        random.normal(param(params, HEAD_WEIGHT), 2e-5);
        param(params, HEAD_BIAS).assign(0);
    }

    private static <T> T param(Map<String, T> params, String referenceName) {
        return params.get(ReferenceNames.toParamKey(referenceName));
    }

    /** The final norm of token rows {@code [B*S, dim]}. */
    SDVariable norm(SameDiff sd, SDVariable rows, Map<String, SDVariable> params) {
        return GraphOps.layerNorm(sd, rows, param(params, "norm.weight"), param(params, "norm.bias"), true, 1e-6);
    }

    /** The vector that feeds the head, {@code [B, F]}, from token rows {@code [B*S, dim]}. */
    SDVariable pooled(SameDiff sd, SDVariable rows, Map<String, SDVariable> params) {
        int seqLen = config.sequenceLength();
        SDVariable tokens = rows.reshape(-1, seqLen, config.dim());
        // intervals, not points: ND4J's strided_slice_bp rejects a point index on the middle axis
        SDVariable first = norm(sd, tokens.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all())
                .reshape(-1, config.dim()), params);
        SDVariable last = norm(sd, tokens.get(SDIndex.all(), SDIndex.interval(seqLen - 1, seqLen), SDIndex.all())
                .reshape(-1, config.dim()), params);
        SDVariable pooled = config.pooling() == Pooling.BILATERAL_FLATTEN
                ? sd.concat(1, first, last)
                : first.add(last).mul(0.5);
        if (!config.legacyNorm()) {
            return pooled;
        }
        return GraphOps.layerNorm(sd, pooled, param(params, "legacy_norm.weight"), param(params, "legacy_norm.bias"),
                false, 1e-5);
    }

    /** Class scores {@code [B, classes]}. */
    SDVariable logits(SameDiff sd, SDVariable pooled, Map<String, SDVariable> params) {
        return GraphOps.linear(sd, pooled, param(params, HEAD_WEIGHT), param(params, HEAD_BIAS));
    }
}
