package io.vilspark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The reference's final {@code norm}: LayerNorm over dim (scale 1 + weight, eps 1e-6) on tokens {@code [B, dim, S]}. */
public class FinalNormLayer extends ViLLayerBase {
    private int dim;
    private int seqLen;
    private boolean normBias = true;

    public FinalNormLayer() {
    }

    public FinalNormLayer(ViLConfig config) {
        this.dim = config.dim();
        this.seqLen = config.sequenceLength();
        this.normBias = config.normBias();
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        bias(params, "norm.weight", dim);
        if (normBias) {
            bias(params, "norm.bias", dim);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.values().forEach(p -> p.assign(0));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable tokens, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable x = tokens.permute(0, 2, 1);
        SDVariable y = GraphOps.layerNorm(sd, x, param(params, "norm.weight", true), param(params, "norm.bias", normBias),
                true, 1e-6, 2);
        return y.permute(0, 2, 1);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(dim, seqLen);
    }

    public int getDim() { return dim; }
    public void setDim(int dim) { this.dim = dim; }
    public int getSeqLen() { return seqLen; }
    public void setSeqLen(int seqLen) { this.seqLen = seqLen; }
    public boolean isNormBias() { return normBias; }
    public void setNormBias(boolean normBias) { this.normBias = normBias; }
}
