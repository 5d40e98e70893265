package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The sums of the rows of {@code x [C, n]}, shaped like {@code like} (C values): {@link RowBiasOp}'s bias gradient. */
public final class RowSumsOp extends JavaKernelOp {
    static final String NAME = "vil_row_sums";

    public RowSumsOp() {
    }

    RowSumsOp(SameDiff sd, SDVariable x, SDVariable like) {
        super(sd, new SDVariable[] {x, like});
    }

    @Override
    public String opName() {
        return NAME;
    }

    @Override
    public int getNumOutputs() {
        return 1;
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

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        throw new UnsupportedOperationException("second derivatives of a bias are not needed");
    }
}
