package io.vilspark.data.read;

import java.util.SplittableRandom;

import io.vilspark.image.ChwImage;

/** Evaluation: resize and centre crop to the model size, the identity when the stored size is the model's. */
record EvalTransform(int storedH, int storedW, int outH, int outW, double cropPct) implements ImageTransform {

    @Override
    public ChwImage apply(ChwImage image, SplittableRandom rng) {
        return ResizeCentreCrop.apply(image, outH, outW, cropPct);
    }

    @Override
    public boolean exact() {
        return storedH == outH && storedW == outW;
    }
}
