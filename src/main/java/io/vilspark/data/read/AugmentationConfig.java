package io.vilspark.data.read;

import java.io.Serializable;
import java.util.List;

import com.typesafe.config.Config;
import io.vilspark.config.Bounds;
import io.vilspark.config.JobConfig;
import io.vilspark.config.SettingsBlock;

/**
 * The training augmentation, each part switchable: per image (in this order) random resized
 * crop, horizontal flip, one of the "3-augment" operations, colour jitter; per batch Mixup or
 * CutMix and label smoothing. Field names follow the HOCON keys of {@code conf/jobs/reader.conf}
 * ({@code augment} block).
 *
 * @param randomResizedCrop crop a random area and aspect ratio, resized (bicubic) to the model size;
 *                          off: the image is fitted to the model size as in evaluation
 * @param cropScaleMin      smallest area fraction of the crop ({@code crop_scale[0]})
 * @param cropScaleMax      largest area fraction ({@code crop_scale[1]})
 * @param cropAspectMin     smallest width/height ratio ({@code crop_aspect[0]})
 * @param cropAspectMax     largest width/height ratio ({@code crop_aspect[1]})
 * @param horizontalFlip    probability of mirroring the image; 0 = off
 * @param colorJitter       strength s: brightness, contrast and saturation factors from [max(0, 1-s), 1+s]; 0 = off
 * @param threeAugment      apply one of grayscale, solarisation, Gaussian blur (chosen uniformly) to each image
 * @param mixupAlpha        Mixup's Beta(alpha, alpha); 0 = no Mixup
 * @param cutmixAlpha       CutMix's Beta(alpha, alpha); 0 = no CutMix
 * @param mixProb           probability that a batch is mixed at all
 * @param switchProb        with both on: probability of CutMix rather than Mixup for a batch
 * @param labelSmoothing    epsilon: the true class gets 1 - eps + eps/K, every other eps/K; 0 = off
 */
public record AugmentationConfig(boolean randomResizedCrop, double cropScaleMin, double cropScaleMax,
                                 double cropAspectMin, double cropAspectMax, double horizontalFlip,
                                 double colorJitter, boolean threeAugment, double mixupAlpha, double cutmixAlpha,
                                 double mixProb, double switchProb, double labelSmoothing) implements Serializable {

    /** Nothing at all: the training path then differs from evaluation only by shuffling. */
    public static final AugmentationConfig NONE =
            new AugmentationConfig(false, 0.08, 1.0, 3.0 / 4, 4.0 / 3, 0, 0, false, 0, 0, 1.0, 0.5, 0);
    /** The Fashion-MNIST demo recipe: random horizontal flip only. */
    public static final AugmentationConfig FLIP_ONLY =
            new AugmentationConfig(false, 0.08, 1.0, 3.0 / 4, 4.0 / 3, 0.5, 0, false, 0, 0, 1.0, 0.5, 0);
    /**
     * The reference ImageNet recipe (DeiT, timm's Mixup defaults): random resized crop (0.08-1,
     * 3/4-4/3), flip 0.5, colour jitter 0.3, Mixup 0.8 / CutMix 1.0 switching at 0.5 on every
     * batch, label smoothing 0.1. The defaults of {@code conf/jobs/reader.conf}.
     */
    public static final AugmentationConfig REFERENCE =
            new AugmentationConfig(true, 0.08, 1.0, 3.0 / 4, 4.0 / 3, 0.5, 0.3, false, 0.8, 1.0, 1.0, 0.5, 0.1);

    public AugmentationConfig {
        require(cropScaleMin > 0 && cropScaleMin <= cropScaleMax && cropScaleMax <= 1, "crop_scale",
                "[" + cropScaleMin + ", " + cropScaleMax + "] (need 0 < low <= high <= 1)");
        require(cropAspectMin > 0 && cropAspectMin <= cropAspectMax, "crop_aspect",
                "[" + cropAspectMin + ", " + cropAspectMax + "] (need 0 < low <= high)");
        require(probability(horizontalFlip), "horizontal_flip", horizontalFlip + " (a probability in [0, 1])");
        require(colorJitter >= 0 && colorJitter <= 1, "color_jitter", colorJitter + " (need 0 <= s <= 1)");
        require(mixupAlpha >= 0 && Double.isFinite(mixupAlpha), "mixup_alpha", mixupAlpha + " (need >= 0)");
        require(cutmixAlpha >= 0 && Double.isFinite(cutmixAlpha), "cutmix_alpha", cutmixAlpha + " (need >= 0)");
        require(probability(mixProb), "mix_prob", mixProb + " (a probability in [0, 1])");
        require(probability(switchProb), "switch_prob", switchProb + " (a probability in [0, 1])");
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label_smoothing", labelSmoothing + " (need 0 <= eps < 1)");
    }

    /**
     * Reads an {@code augment { ... }} block; keys left out take the defaults of
     * {@code conf/jobs/reader.conf}, unknown keys and bad values are refused with a message that
     * names the key (under {@code path}, e.g. {@code train.reader.augment}).
     */
    public static AugmentationConfig fromConfig(Config section, String path) {
        Config defaults = ReaderConfig.defaultsAt(ReaderConfig.DEFAULTS_ROOT + ".augment", path);
        return read(SettingsBlock.of(JobConfig.load(defaults, section.atPath(path), List.of()), path));
    }

    static AugmentationConfig read(SettingsBlock s) {
        double[] scale = range(s, "crop_scale", 1);
        double[] aspect = range(s, "crop_aspect", Double.MAX_VALUE);
        Bounds probability = Bounds.closed(0, 1);
        return new AugmentationConfig(s.bool("random_resized_crop"), scale[0], scale[1], aspect[0], aspect[1],
                s.number("horizontal_flip", probability), s.number("color_jitter", probability), s.bool("three_augment"),
                s.number("mixup_alpha", Bounds.atLeast(0)), s.number("cutmix_alpha", Bounds.atLeast(0)),
                s.number("mix_prob", probability), s.number("switch_prob", probability),
                s.number("label_smoothing", Bounds.closedOpen(0, 1)));
    }

    /** A {@code [low, high]} pair with {@code 0 < low <= high <= max}. */
    private static double[] range(SettingsBlock s, String key, double max) {
        List<Double> v = s.numbers(key);
        if (v.size() != 2 || v.get(0) > v.get(1) || !(v.get(0) > 0) || v.get(1) > max) {
            throw s.expected(key, "[low, high] with 0 < low <= high <= " + max);
        }
        return new double[] {v.get(0), v.get(1)};
    }

    /** Whether batches are mixed (Mixup or CutMix may happen). */
    public boolean mixesBatches() {
        return mixProb > 0 && (mixupAlpha > 0 || cutmixAlpha > 0);
    }

    public AugmentationConfig withHorizontalFlip(double p) {
        return new AugmentationConfig(randomResizedCrop, cropScaleMin, cropScaleMax, cropAspectMin, cropAspectMax, p,
                colorJitter, threeAugment, mixupAlpha, cutmixAlpha, mixProb, switchProb, labelSmoothing);
    }

    public AugmentationConfig withRandomResizedCrop(boolean on) {
        return new AugmentationConfig(on, cropScaleMin, cropScaleMax, cropAspectMin, cropAspectMax, horizontalFlip,
                colorJitter, threeAugment, mixupAlpha, cutmixAlpha, mixProb, switchProb, labelSmoothing);
    }

    public AugmentationConfig withColorJitter(double strength) {
        return new AugmentationConfig(randomResizedCrop, cropScaleMin, cropScaleMax, cropAspectMin, cropAspectMax,
                horizontalFlip, strength, threeAugment, mixupAlpha, cutmixAlpha, mixProb, switchProb, labelSmoothing);
    }

    public AugmentationConfig withThreeAugment(boolean on) {
        return new AugmentationConfig(randomResizedCrop, cropScaleMin, cropScaleMax, cropAspectMin, cropAspectMax,
                horizontalFlip, colorJitter, on, mixupAlpha, cutmixAlpha, mixProb, switchProb, labelSmoothing);
    }

    /** Mixup and CutMix alphas together with the batch-level probabilities. */
    public AugmentationConfig withMixing(double mixupAlpha, double cutmixAlpha, double mixProb, double switchProb) {
        return new AugmentationConfig(randomResizedCrop, cropScaleMin, cropScaleMax, cropAspectMin, cropAspectMax,
                horizontalFlip, colorJitter, threeAugment, mixupAlpha, cutmixAlpha, mixProb, switchProb, labelSmoothing);
    }

    public AugmentationConfig withLabelSmoothing(double eps) {
        return new AugmentationConfig(randomResizedCrop, cropScaleMin, cropScaleMax, cropAspectMin, cropAspectMax,
                horizontalFlip, colorJitter, threeAugment, mixupAlpha, cutmixAlpha, mixProb, switchProb, eps);
    }

    private static boolean probability(double p) {
        return p >= 0 && p <= 1;
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid augmentation '" + key + "': " + message);
        }
    }
}
