package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The sums of the columns of {@code x [n, D]}, shaped like {@code like} (D values): {@link ResidualWithBiasOp}'s bias gradient. */
public final class ColumnSumsOp extends JavaKernelOp {

    public ColumnSumsOp() {
    }

    ColumnSumsOp(SameDiff sd, SDVariable x, SDVariable like) {
        super(sd, new SDVariable[] {x, like});
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        return new long[][] {in[1]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int cols = columnsOf(in[0], in[1]);
        VectorLoops.columnSums(bytes(in[0]), bytes(out[0]), Math.toIntExact(in[0].length() / cols), cols);
    }

    /** The columns of rows {@code x [n, D]} that {@code perColumn} (D values) goes with. */
    static int columnsOf(INDArray x, INDArray perColumn) {
        if (x.rank() != 2 || x.size(1) != perColumn.length()) {
            throw new IllegalArgumentException("one value per column of " + java.util.Arrays.toString(x.shape())
                    + " expected, got " + java.util.Arrays.toString(perColumn.shape()));
        }
        return Math.toIntExact(x.size(1));
    }
}
