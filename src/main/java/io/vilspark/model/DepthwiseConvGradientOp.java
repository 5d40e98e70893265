package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The gradients of {@link DepthwiseConvOp}: inputs x, taps, bias and the output's gradient; outputs
 * dx, dtaps and dbias ({@link VectorLoops#depthwiseConv3x3Gradient}).
 */
public final class DepthwiseConvGradientOp extends JavaKernelOp {

    public DepthwiseConvGradientOp() {
    }

    DepthwiseConvGradientOp(SameDiff sd, SDVariable x, SDVariable taps, SDVariable bias, SDVariable dy, int gridH,
                            int gridW, boolean reverse) {
        super(sd, new SDVariable[] {x, taps, bias, dy}, gridH, gridW, reverse ? 1 : 0);
    }

    @Override
    public int getNumOutputs() {
        return 3;
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        return new long[][] {in[0], in[1], in[2]};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        DepthwiseConvOp.Grid g = DepthwiseConvOp.Grid.of(this, in[0], in[1]);
        sameLength(in[0], in[3]);
        VectorLoops.depthwiseConv3x3Gradient(bytes(in[0]), bytes(in[1]), bytes(in[3]), bytes(out[0]), bytes(out[1]),
                bytes(out[2]), g.channels(), g.images(), g.height(), g.width(), g.reverse());
    }
}
