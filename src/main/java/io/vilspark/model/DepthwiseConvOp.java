package io.vilspark.model;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ViL layer's depthwise 3x3 convolution plus bias on channel-major activations {@code x [C, B*S]}
 * ({@link VectorLoops#depthwiseConv3x3}), taps {@code [C, 9]}, bias {@code [C]}; settings: grid
 * height and width, reverse (1) or not (0). Where ND4J's conv needs the activations permuted to
 * channels-last images and back (four copies per block, forwards and backwards), this reads them
 * where they are; its gradient op {@link DepthwiseConvGradientOp} computes all three gradients.
 */
public final class DepthwiseConvOp extends JavaKernelOp {

    public DepthwiseConvOp() {
    }

    DepthwiseConvOp(SameDiff sd, SDVariable x, SDVariable taps, SDVariable bias, int gridH, int gridW, boolean reverse) {
        super(sd, new SDVariable[] {x, taps, bias}, gridH, gridW, reverse ? 1 : 0);
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        Grid g = Grid.of(this, in[0], in[1]);
        VectorLoops.depthwiseConv3x3(bytes(in[0]), bytes(in[1]), bytes(in[2]), bytes(out[0]), g.channels(), g.images(),
                g.height(), g.width(), g.reverse());
    }

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        return List.of(new DepthwiseConvGradientOp(sameDiff, arg(0), arg(1), arg(2), gradients.get(0),
                (int) setting(0), (int) setting(1), setting(2) == 1).outputVariables());
    }

    /** The op's grid settings checked against its activations {@code [C, B*S]} and taps {@code [C, 9]}. */
    record Grid(int channels, int images, int height, int width, boolean reverse) {
        static Grid of(JavaKernelOp op, INDArray x, INDArray taps) {
            int height = (int) op.setting(0);
            int width = (int) op.setting(1);
            long seq = (long) height * width;
            if (x.rank() != 2 || seq == 0 || x.size(1) % seq != 0 || taps.length() != 9 * x.size(0)) {
                throw new IllegalArgumentException(op.opName() + ": activations [C, B*" + seq + "] and taps [C, 9] "
                        + "expected, got " + java.util.Arrays.toString(x.shape()) + " and "
                        + java.util.Arrays.toString(taps.shape()));
            }
            return new Grid(Math.toIntExact(x.size(0)), Math.toIntExact(x.size(1) / seq), height, width, op.setting(2) == 1);
        }
    }
}
