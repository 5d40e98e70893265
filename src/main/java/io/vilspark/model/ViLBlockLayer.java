package io.vilspark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One ViL sub-block, {@code x + ViLLayer(LayerNorm(x))}, over tokens {@code [B, dim, S]}.
 *
 * <p>The reverse block traverses the patches from the bottom right: it flips the sequence,
 * runs the same computation (the 3x3 conv then sees the grid rotated by 180 degrees, as in the
 * reference) and flips back. The ViL layer: up-projection to x and z; x through a depthwise 3x3
 * conv over the patch grid and SiLU; headwise q, k (from the conv branch) and v (from x);
 * input/forget gates from [q, k, v]; the mLSTM cell; per-head norm; learnable skip; gating by
 * SiLU(z); down-projection.
 */
public class ViLBlockLayer extends ViLLayerBase implements DropPath.Droppable {
    private int dim;
    private int gridH;
    private int gridW;
    private boolean reverse;
    private boolean projBias = true;
    private boolean normBias = true;
    /** Reference-name prefix, e.g. {@code blocks.0.rowwise_from_top_left.}. */
    private String prefix;
    /** Stochastic depth rate of this block in training (0: off, and no mask op in the graph). */
    private double dropPath;

    public ViLBlockLayer() {
    }

    public ViLBlockLayer(ViLConfig config, int subBlockIndex) {
        this.dim = config.dim();
        this.gridH = config.gridH();
        this.gridW = config.gridW();
        this.reverse = subBlockIndex % 2 == 1;
        this.projBias = config.projBias();
        this.normBias = config.normBias();
        this.prefix = ReferenceNames.blockPrefix(subBlockIndex);
        this.dropPath = config.dropPathRate(subBlockIndex / 2);
    }

    private int inner() { return ViLConfig.EXPANSION * dim; }
    private int qkvHeads() { return inner() / ViLConfig.QKV_BLOCK_SIZE; }
    private int seqLen() { return gridH * gridW; }

    @Override
    public void defineParameters(SDLayerParams params) {
        int b = ViLConfig.QKV_BLOCK_SIZE;
        int nh = ViLConfig.CELL_HEADS;
        int k = ViLConfig.CONV_KERNEL;
        bias(params, prefix + "norm.weight", dim);
        if (normBias) {
            bias(params, prefix + "norm.bias", dim);
        }
        bias(params, prefix + "layer.learnable_skip", inner());
        weight(params, prefix + "layer.proj_up.weight", 2L * inner(), dim);
        if (projBias) {
            bias(params, prefix + "layer.proj_up.bias", 2L * inner());
        }
        for (String qkv : new String[] {"q_proj", "k_proj", "v_proj"}) {
            weight(params, prefix + "layer." + qkv + ".weight", qkvHeads(), b, b);
            if (projBias) {
                bias(params, prefix + "layer." + qkv + ".bias", inner());
            }
        }
        weight(params, prefix + "layer.conv.weight", inner(), 1, k, k);
        bias(params, prefix + "layer.conv.bias", inner());
        for (String gate : new String[] {"igate", "fgate"}) {
            weight(params, prefix + "layer.mlstm_cell." + gate + ".weight", nh, 3L * inner());
            bias(params, prefix + "layer.mlstm_cell." + gate + ".bias", nh);
        }
        bias(params, prefix + "layer.mlstm_cell.outnorm.weight", inner());
        if (normBias) {
            bias(params, prefix + "layer.mlstm_cell.outnorm.bias", inner());
        }
        weight(params, prefix + "layer.proj_down.weight", dim, inner());
        if (projBias) {
            bias(params, prefix + "layer.proj_down.bias", dim);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        ParamInit random = random();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = ReferenceNames.toReferenceName(e.getKey()).substring(prefix.length());
            INDArray p = e.getValue();
            switch (name) {
                // small_init (Nguyen & Salazar) with the block dim, also for q/k/v
                case "layer.proj_up.weight", "layer.q_proj.weight", "layer.k_proj.weight", "layer.v_proj.weight" ->
                        random.normal(p, Math.sqrt(2.0 / (5.0 * dim)));
                // wang_init with num_blocks = 1, as the reference
                case "layer.proj_down.weight" -> random.normal(p, 2.0 / Math.sqrt(dim));
                // nn.Conv2d default: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = 9
                case "layer.conv.weight", "layer.conv.bias" -> random.uniform(p, 1.0 / ViLConfig.CONV_KERNEL);
                case "layer.mlstm_cell.igate.bias" -> random.normal(p, 0.1);
                case "layer.mlstm_cell.fgate.bias" -> p.assign(Nd4j.linspace(p.dataType(), 3.0, 6.0, p.length()).reshape(p.shape()));
                case "layer.learnable_skip" -> p.assign(1);
                // zero: residual norm weights (scale 1 + w), biases, gate weights
                default -> p.assign(0);
            }
        }
    }

    private SDVariable p(Map<String, SDVariable> params, String name) {
        return params.get(ReferenceNames.toParamKey(prefix + name));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable tokens, Map<String, SDVariable> params, SDVariable mask) {
        int inner = inner();
        int seqLen = seqLen();
        int nh = ViLConfig.CELL_HEADS;
        int headDim = inner / nh;

        SDVariable x = tokens.permute(0, 2, 1);                                  // [B, S, D]
        if (reverse) {
            x = sd.reverse(x, 1);
        }
        SDVariable rows = x.reshape(-1, dim);                                     // [B*S, D]
        SDVariable ones = GraphOps.onesColumn(sd, rows);                          // [B*S, 1]
        SDVariable normed = GraphOps.layerNormRows(sd, rows, p(params, "norm.weight"), p(params, "norm.bias"), 1e-5, ones);
        SDVariable up = GraphOps.linear(sd, normed, p(params, "layer.proj_up.weight"), p(params, "layer.proj_up.bias"));
        SDVariable xm = up.get(org.nd4j.autodiff.samediff.SDIndex.all(), org.nd4j.autodiff.samediff.SDIndex.interval(0, inner));
        SDVariable z = up.get(org.nd4j.autodiff.samediff.SDIndex.all(), org.nd4j.autodiff.samediff.SDIndex.interval(inner, 2 * inner));

        // depthwise 3x3 conv over the patch grid (tokens are NHWC already)
        SDVariable xc = GraphOps.depthwiseConv3x3(sd, xm.reshape(-1, gridH, gridW, inner), gridH, gridW,
                p(params, "layer.conv.weight"), p(params, "layer.conv.bias")).reshape(-1, inner);
        xc = GraphOps.silu(sd, xc);

        int heads = qkvHeads();
        int block = ViLConfig.QKV_BLOCK_SIZE;
        SDVariable q = GraphOps.headwiseLinear(sd, xc, p(params, "layer.q_proj.weight"), p(params, "layer.q_proj.bias"), heads, block);
        SDVariable k = GraphOps.headwiseLinear(sd, xc, p(params, "layer.k_proj.weight"), p(params, "layer.k_proj.bias"), heads, block);
        SDVariable v = GraphOps.headwiseLinear(sd, xm, p(params, "layer.v_proj.weight"), p(params, "layer.v_proj.bias"), heads, block);

        SDVariable gateIn = sd.concat(1, q, k, v);                                // [B*S, 3*inner]
        SDVariable ig = gatePreact(sd, gateIn, params, "igate", seqLen);
        SDVariable fg = gatePreact(sd, gateIn, params, "fgate", seqLen);
        SDVariable h = MLstmCell.parallel(sd, toHeads(q, seqLen, headDim), toHeads(k, seqLen, headDim),
                toHeads(v, seqLen, headDim), ig, fg, nh, seqLen, headDim);        // [B, NH, S, DH]

        // MultiHeadLayerNorm: normalise each head's DH values, then scale/shift per channel
        SDVariable hn = GraphOps.layerNorm(sd, h, null, null, false, 1e-5, 3)
                .permute(0, 2, 1, 3).reshape(-1, inner);
        hn = GraphOps.scaleColumns(sd, hn, p(params, "layer.mlstm_cell.outnorm.weight").add(1.0), ones);
        SDVariable outBias = p(params, "layer.mlstm_cell.outnorm.bias");
        if (outBias != null) {
            hn = hn.add(outBias);
        }

        SDVariable gated = hn.add(GraphOps.scaleColumns(sd, xc, p(params, "layer.learnable_skip"), ones))
                .mul(GraphOps.silu(sd, z));
        SDVariable out = GraphOps.linear(sd, gated, p(params, "layer.proj_down.weight"), p(params, "layer.proj_down.bias"));
        if (dropPath > 0) {
            // mask [B, 1]: B/kept for kept samples, 0 for dropped ones, ones at inference (DropPath)
            out = out.reshape(-1, (long) seqLen * dim).mul(mask).reshape(-1, dim);
        }
        SDVariable y = rows.add(out).reshape(-1, seqLen, dim);
        if (reverse) {
            y = sd.reverse(y, 1);
        }
        return y.permute(0, 2, 1);
    }

    /** Gate pre-activations {@code [B, NH, S, 1]} from rows {@code [B*S, 3*inner]}. */
    private SDVariable gatePreact(SameDiff sd, SDVariable gateIn, Map<String, SDVariable> params, String gate, int seqLen) {
        SDVariable pre = GraphOps.linear(sd, gateIn, p(params, "layer.mlstm_cell." + gate + ".weight"),
                p(params, "layer.mlstm_cell." + gate + ".bias"));                // [B*S, NH]
        return pre.reshape(-1, seqLen, ViLConfig.CELL_HEADS).permute(0, 2, 1)
                .reshape(-1, ViLConfig.CELL_HEADS, seqLen, 1);
    }

    /** Rows {@code [B*S, NH*DH]} to {@code [B, NH, S, DH]}. */
    private static SDVariable toHeads(SDVariable rows, int seqLen, int headDim) {
        return rows.reshape(-1, seqLen, ViLConfig.CELL_HEADS, headDim).permute(0, 2, 1, 3);
    }

    /** The mask input carries the drop-path multipliers, one per sample. */
    @Override
    public INDArray onesMaskForInput(INDArray input) {
        return Nd4j.ones(input.dataType(), input.size(0), 1);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(dim, seqLen());
    }

    public int getDim() { return dim; }
    public void setDim(int dim) { this.dim = dim; }
    public int getGridH() { return gridH; }
    public void setGridH(int gridH) { this.gridH = gridH; }
    public int getGridW() { return gridW; }
    public void setGridW(int gridW) { this.gridW = gridW; }
    public boolean isReverse() { return reverse; }
    public void setReverse(boolean reverse) { this.reverse = reverse; }
    public boolean isProjBias() { return projBias; }
    public void setProjBias(boolean projBias) { this.projBias = projBias; }
    public boolean isNormBias() { return normBias; }
    public void setNormBias(boolean normBias) { this.normBias = normBias; }
    public String getPrefix() { return prefix; }
    @Override
    public double getDropPath() { return dropPath; }
    public void setDropPath(double dropPath) { this.dropPath = dropPath; }
    public void setPrefix(String prefix) { this.prefix = prefix; }
}
