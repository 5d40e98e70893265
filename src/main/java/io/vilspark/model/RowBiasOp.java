package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code x [C, n] + b[c]} per row ({@link VectorLoops#addRowBias}). Its backward pass hands x the
 * output's gradient as it is and b its row sums ({@link RowSumsOp}), where ND4J's broadcasting
 * add_bp copies the gradient and took ~0.5 ms at the demo's {@code [128, 3136]}.
 */
public final class RowBiasOp extends JavaKernelOp {

    public RowBiasOp() {
    }

    RowBiasOp(SameDiff sd, SDVariable x, SDVariable b) {
        super(sd, new SDVariable[] {x, b});
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int rows = rowsOf(in[0], in[1]);
        VectorLoops.addRowBias(bytes(in[0]), bytes(in[1]), bytes(out[0]), rows, Math.toIntExact(in[0].length() / rows));
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable dy = gradients.get(0);
        return List.of(dy, new RowSumsOp(sameDiff, dy, arg(1)).outputVariable());
    }

    /** The rows of {@code x} that {@code perRow} (one value per row) goes with; x's first axis. */
    static int rowsOf(INDArray x, INDArray perRow) {
        if (x.rank() < 2 || x.size(0) != perRow.length()) {
            throw new IllegalArgumentException("one value per row of " + java.util.Arrays.toString(x.shape())
                    + " expected, got " + java.util.Arrays.toString(perRow.shape()));
        }
        return Math.toIntExact(x.size(0));
    }
}
