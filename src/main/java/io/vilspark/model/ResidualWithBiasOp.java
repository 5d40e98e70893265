package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A residual connection with the branch's bias, {@code x + y + b[c]} for token rows {@code x, y [n,
 * D]} and {@code b [D]} ({@link VectorLoops#addWithColumnBias}): x and y get the output's gradient as
 * it is, b its column sums ({@link ColumnSumsOp}). Replaces the down-projection's bias as an extra
 * weight column over a row of ones (a copy of its [C, n] input into a [C + 1, n] concat) and the
 * residual add.
 */
public final class ResidualWithBiasOp extends JavaKernelOp {

    public ResidualWithBiasOp() {
    }

    ResidualWithBiasOp(SameDiff sd, SDVariable x, SDVariable y, SDVariable b) {
        super(sd, new SDVariable[] {x, y, b});
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        sameLength(in[0], in[1]);
        int cols = ColumnSumsOp.columnsOf(in[0], in[2]);
        VectorLoops.addWithColumnBias(bytes(in[0]), bytes(in[1]), bytes(in[2]), bytes(out[0]),
                Math.toIntExact(in[0].length() / cols), cols);
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable dy = gradients.get(0);
        return List.of(dy, dy, new ColumnSumsOp(sameDiff, dy, arg(2)).outputVariable());
    }
}
