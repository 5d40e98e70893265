package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The gradients of {@link RowScaleOp}: inputs x, v and the output's gradient; outputs dx and dv. */
public final class RowScaleGradientOp extends JavaKernelOp {

    public RowScaleGradientOp() {
    }

    RowScaleGradientOp(SameDiff sd, SDVariable x, SDVariable v, SDVariable dy) {
        super(sd, new SDVariable[] {x, v, dy});
    }

    @Override
    public int getNumOutputs() {
        return 2;
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        return new long[][] {in[0], in[1]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int rows = RowBiasOp.rowsOf(in[0], in[1]);
        sameLength(in[0], in[2]);
        VectorLoops.scaleRowsGradient(bytes(in[0]), bytes(in[1]), bytes(in[2]), bytes(out[0]), bytes(out[1]),
                rows, Math.toIntExact(in[0].length() / rows));
    }
}
