package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer norm without scale and shift over the rows of {@code x [R, width]} ({@link
 * VectorLoops#standardizeRows}), with an eps per row as an optional second input {@code [R, 1]}
 * plus a fixed eps; its gradient is {@link StandardizeRowsGradientOp}. Replaces the centring and
 * variance matmuls, the inverse std's rank-1 spread and their backward passes
 * ({@link GraphOps#standardizeRows}): ~10 ND4J ops over {@code [R, width]} per norm.
 */
public final class StandardizeRowsOp extends JavaKernelOp {

    public StandardizeRowsOp() {
    }

    StandardizeRowsOp(SameDiff sd, SDVariable x, SDVariable epsRows, double eps) {
        super(sd, epsRows == null ? new SDVariable[] {x} : new SDVariable[] {x, epsRows});
        addTArgument(eps);
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        int[] rw = rowsAndWidth(in[0], in.length > 1 ? in[1] : null);
        VectorLoops.standardizeRows(bytes(in[0]), in.length > 1 ? bytes(in[1]) : null, (float) tArgs()[0], bytes(out[0]),
                rw[0], rw[1]);
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable[] args = args();
        SDVariable epsRows = args.length > 1 ? args[1] : null;
        return List.of(new StandardizeRowsGradientOp(sameDiff, args[0], epsRows, gradients.get(0), tArgs()[0]).outputVariables());
    }

    /** R and width of {@code x [R, width]}, checked against an eps per row when there is one. */
    static int[] rowsAndWidth(INDArray x, INDArray epsRows) {
        if (x.rank() != 2 || (epsRows != null && epsRows.length() != x.size(0))) {
            throw new IllegalArgumentException("rows [R, width] and an eps per row expected, got "
                    + java.util.Arrays.toString(x.shape()) + (epsRows == null ? "" : " and " + java.util.Arrays.toString(epsRows.shape())));
        }
        return new int[] {Math.toIntExact(x.size(0)), Math.toIntExact(x.size(1))};
    }
}
