package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The sums of the rows of {@code x [C, n]}, shaped like {@code like} (C values): {@link RowBiasOp}'s bias gradient. */
public final class RowSumsOp extends JavaKernelOp {

    public RowSumsOp() {
    }

    RowSumsOp(SameDiff sd, SDVariable x, SDVariable like) {
        super(sd, new SDVariable[] {x, like});
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        return new long[][] {in[1]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int rows = RowBiasOp.rowsOf(in[0], in[1]);
        VectorLoops.rowSums(bytes(in[0]), bytes(out[0]), rows, Math.toIntExact(in[0].length() / rows));
    }
}
