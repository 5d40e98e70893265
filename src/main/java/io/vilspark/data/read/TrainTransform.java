package io.vilspark.data.read;

import java.util.SplittableRandom;

import io.vilspark.image.ChwImage;

/**
 * Per-image training augmentation in the reference order: random resized crop (or the evaluation
 * fit when it is off), horizontal flip, one "3-augment" operation, colour jitter. Each step draws
 * from the image's own random stream only when it is switched on.
 */
final class TrainTransform implements ImageTransform {
    private static final long serialVersionUID = 1L;

    private final AugmentationConfig a;
    private final int outH;
    private final int outW;
    private final double cropPct;
    private final boolean exact;

    TrainTransform(AugmentationConfig a, int storedH, int storedW, int outH, int outW, double cropPct) {
        this.a = a;
        this.outH = outH;
        this.outW = outW;
        this.cropPct = cropPct;
        this.exact = !a.randomResizedCrop() && a.horizontalFlip() == 0 && a.colorJitter() == 0 && !a.threeAugment()
                && storedH == outH && storedW == outW;
    }

    @Override
    public ChwImage apply(ChwImage image, SplittableRandom rng) {
        ChwImage out = a.randomResizedCrop() ? RandomResizedCrop.apply(image, a, outH, outW, rng)
                : ResizeCentreCrop.apply(image, outH, outW, cropPct);
        if (a.horizontalFlip() > 0 && rng.nextDouble() < a.horizontalFlip()) {
            out = out.flipHorizontal();
        }
        if (a.threeAugment()) {
            out = ThreeAugment.apply(out, rng);
        }
        if (a.colorJitter() > 0) {
            out = ColorJitter.apply(out, a.colorJitter(), rng);
        }
        return out;
    }

    @Override
    public boolean exact() {
        return exact;
    }
}
