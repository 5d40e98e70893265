package io.vilspark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Images {@code [B, C, H, W]} to patch tokens {@code [B, dim, S]} (DL4J's NCW sequence layout):
 * the reference's {@code patch_embed} (a conv with kernel = stride = patch, i.e. a dense layer on
 * each patch flattened as {@code [C][P][P]}) plus the learned 2-D position embedding
 * {@code pos_embed}. Tokens are in raster order of the patch grid.
 */
public class PatchEmbeddingLayer extends ViLLayerBase {
    static final String PROJ_WEIGHT = "patch_embed.proj.weight";
    static final String PROJ_BIAS = "patch_embed.proj.bias";
    static final String POS_EMBED = "pos_embed.embed";

    private int channels;
    private int height;
    private int width;
    private int patchSize;
    private int dim;

    public PatchEmbeddingLayer() {
    }

    public PatchEmbeddingLayer(ViLConfig config) {
        this.channels = config.channels();
        this.height = config.height();
        this.width = config.width();
        this.patchSize = config.patchSize();
        this.dim = config.dim();
    }

    private int gridH() { return height / patchSize; }
    private int gridW() { return width / patchSize; }

    @Override
    public void defineParameters(SDLayerParams params) {
        weight(params, PROJ_WEIGHT, dim, channels, patchSize, patchSize);
        bias(params, PROJ_BIAS, dim);
        bias(params, POS_EMBED, 1, gridH(), gridW(), dim);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        // xavier_uniform on the weight seen as a [dim, C*P*P] matrix
        long fanIn = (long) channels * patchSize * patchSize;
        double bound = Math.sqrt(6.0 / (fanIn + dim));
        ParamInit random = random();
        random.uniform(param(params, PROJ_WEIGHT), bound);
        param(params, PROJ_BIAS).assign(0);
        // trunc_normal_(std=0.02): torch truncates at +-2 absolute (100 std), i.e. never
        random.normal(param(params, POS_EMBED), 0.02);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable images, Map<String, SDVariable> params, SDVariable mask) {
        int p = patchSize;
        long patchLen = (long) channels * p * p;
        long seqLen = (long) gridH() * gridW();
        SDVariable patches = images.reshape(-1, channels, gridH(), p, gridW(), p)
                .permute(0, 2, 4, 1, 3, 5)                      // [B, gh, gw, C, P, P]
                .reshape(-1, patchLen);
        SDVariable w = params.get(ReferenceNames.toParamKey(PROJ_WEIGHT)).reshape(dim, patchLen);
        SDVariable tokens = GraphOps.linear(sd, patches, w, params.get(ReferenceNames.toParamKey(PROJ_BIAS)))
                .reshape(-1, seqLen, dim)
                .add(params.get(ReferenceNames.toParamKey(POS_EMBED)).reshape(1, seqLen, dim));
        return tokens.permute(0, 2, 1);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(dim, (long) gridH() * gridW());
    }

    public int getChannels() { return channels; }
    public void setChannels(int channels) { this.channels = channels; }
    public int getHeight() { return height; }
    public void setHeight(int height) { this.height = height; }
    public int getWidth() { return width; }
    public void setWidth(int width) { this.width = width; }
    public int getPatchSize() { return patchSize; }
    public void setPatchSize(int patchSize) { this.patchSize = patchSize; }
    public int getDim() { return dim; }
    public void setDim(int dim) { this.dim = dim; }
}
