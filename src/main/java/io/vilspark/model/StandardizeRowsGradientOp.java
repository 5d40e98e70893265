package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The gradients of {@link StandardizeRowsOp}: inputs x, the eps per row when there is one, and the
 * output's gradient; outputs dx and, with an eps per row, its gradient.
 */
public final class StandardizeRowsGradientOp extends JavaKernelOp {

    public StandardizeRowsGradientOp() {
    }

    StandardizeRowsGradientOp(SameDiff sd, SDVariable x, SDVariable epsRows, SDVariable dy, double eps) {
        super(sd, epsRows == null ? new SDVariable[] {x, dy} : new SDVariable[] {x, epsRows, dy}, epsRows == null ? 0 : 1);
        addTArgument(eps);
    }

    /** dx, and the eps per row's gradient when there is one. */
    @Override
    public int getNumOutputs() {
        return numIArguments() > 0 && setting(0) == 1 ? 2 : 1;
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        return in.length == 2 ? new long[][] {in[0]} : new long[][] {in[0], in[1]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        boolean perRow = in.length == 3;
        INDArray dy = in[in.length - 1];
        sameLength(in[0], dy);
        int[] rw = StandardizeRowsOp.rowsAndWidth(in[0], perRow ? in[1] : null);
        VectorLoops.standardizeRowsGradient(bytes(in[0]), perRow ? bytes(in[1]) : null, (float) tArgs()[0], bytes(dy),
                bytes(out[0]), perRow ? bytes(out[1]) : null, rw[0], rw[1]);
    }
}
