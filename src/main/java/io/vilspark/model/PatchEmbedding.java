package io.vilspark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Patch embedding (the reference's {@code VitPatchEmbed}: a stride-P conv, i.e. a dense layer on
 * each patch vector) plus the learned 2-D position embedding. Images {@code [B, C, H, W]} become
 * token rows {@code [B*S, dim]}, patches in raster order, each patch vector in (C, P, P) order.
 */
final class PatchEmbedding {
    static final String PROJ_WEIGHT = "patch_embed.proj.weight";
    static final String PROJ_BIAS = "patch_embed.proj.bias";
    static final String POS_EMBED = "pos_embed.embed";

    private final ViLConfig config;

    PatchEmbedding(ViLConfig config) {
        this.config = config;
    }

    void declare(SDLayerParams params) {
        int p = config.patchSize();
        NetworkParams.weight(params, PROJ_WEIGHT, config.dim(), config.channels(), p, p);
        NetworkParams.bias(params, PROJ_BIAS, config.dim());
        NetworkParams.bias(params, POS_EMBED, 1, config.gridH(), config.gridW(), config.dim());
    }

    void initialize(Map<String, INDArray> params, ParamInit random) {
        // xavier_uniform on the weight seen as a [dim, C*P*P] matrix
        long fanIn = patchLength();
        double bound = Math.sqrt(6.0 / (fanIn + config.dim()));
        random.uniform(params.get(ReferenceNames.toParamKey(PROJ_WEIGHT)), bound);
        params.get(ReferenceNames.toParamKey(PROJ_BIAS)).assign(0);
        // trunc_normal_(std=0.02): torch truncates at +-2 absolute (100 std), i.e. never
        random.normal(params.get(ReferenceNames.toParamKey(POS_EMBED)), 0.02);
    }

    private long patchLength() {
        return (long) config.channels() * config.patchSize() * config.patchSize();
    }

    /** @return token rows {@code [B*S, dim]} */
    SDVariable define(SameDiff sd, SDVariable images, Map<String, SDVariable> params) {
        int p = config.patchSize();
        int dim = config.dim();
        long seqLen = config.sequenceLength();
        SDVariable patches = images.reshape(-1, config.channels(), config.gridH(), p, config.gridW(), p)
                .permute(0, 2, 4, 1, 3, 5)                                           // [B, gh, gw, C, P, P]
                .reshape(-1, patchLength());
        SDVariable w = params.get(ReferenceNames.toParamKey(PROJ_WEIGHT)).reshape(dim, patchLength());
        // the projection bias rides on the (per-position) embedding: one broadcast add instead of two
        SDVariable positions = params.get(ReferenceNames.toParamKey(POS_EMBED)).reshape(seqLen, dim)
                .add(params.get(ReferenceNames.toParamKey(PROJ_BIAS)));
        return sd.mmul(patches, w, false, true, false)
                .reshape(-1, seqLen, dim)
                .add(positions)
                .reshape(-1, dim);
    }
}
