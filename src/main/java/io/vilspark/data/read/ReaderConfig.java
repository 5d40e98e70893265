package io.vilspark.data.read;

import java.io.Serializable;
import java.util.List;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vilspark.config.Bounds;
import io.vilspark.config.JobConfig;
import io.vilspark.config.SettingsBlock;
import io.vilspark.data.DatasetManifest;

/**
 * How shards become minibatches: batch size, seed, shuffling, normalisation, the evaluation crop
 * and the training augmentation. HOCON keys in {@code conf/jobs/reader.conf}.
 *
 * @param batchSize     images per minibatch (per worker under parameter averaging); a partition's last batch may be smaller
 * @param seed          root of all randomness; with the epoch and partition index it fixes every draw
 * @param shuffleGlobal training reads: Spark redistributes the rows at random each epoch (seeded)
 * @param shuffleBuffer training reads: rows held per partition for a local shuffle; 0 = off
 * @param normalisation {@code manifest}, {@code imagenet} or {@code given} (then {@code mean}/{@code std})
 * @param mean          per-channel mean for {@code given}
 * @param std           per-channel std for {@code given}
 * @param evalCropPct   evaluation: shorter side resized to floor(model size / crop_pct), then centre crop
 * @param augment       training augmentation
 */
public record ReaderConfig(int batchSize, long seed, boolean shuffleGlobal, int shuffleBuffer, String normalisation,
                           List<Double> mean, List<Double> std, double evalCropPct, AugmentationConfig augment)
        implements Serializable {
    public static final List<String> NORMALISATIONS = List.of("manifest", "imagenet", "given");
    static final String DEFAULTS_RESOURCE = "jobs/reader.conf";
    static final String DEFAULTS_ROOT = "reader";
    private static final List<String> REAL_NUMBERS = List.of("eval.crop_pct", "augment.horizontal_flip",
            "augment.color_jitter", "augment.mixup_alpha", "augment.cutmix_alpha", "augment.mix_prob",
            "augment.switch_prob", "augment.label_smoothing").stream().map(k -> DEFAULTS_ROOT + "." + k).toList();

    public ReaderConfig {
        if (batchSize < 1) {
            throw new IllegalArgumentException("invalid reader setting 'batch_size': " + batchSize + " (need >= 1)");
        }
        if (shuffleBuffer < 0) {
            throw new IllegalArgumentException("invalid reader setting 'shuffle.buffer': " + shuffleBuffer + " (need >= 0)");
        }
        if (!NORMALISATIONS.contains(normalisation)) {
            throw new IllegalArgumentException("invalid reader setting 'normalisation': " + normalisation
                    + " (one of " + NORMALISATIONS + ")");
        }
        if (!(evalCropPct > 0 && evalCropPct <= 1)) {
            throw new IllegalArgumentException("invalid reader setting 'eval.crop_pct': " + evalCropPct + " (need 0 < pct <= 1)");
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (normalisation.equals("given")) {
            new PixelNormalisation(mean, std); // fails with a message naming the channel
        }
        if (augment == null) {
            throw new IllegalArgumentException("invalid reader setting 'augment': missing");
        }
    }

    /** The values of {@code conf/jobs/reader.conf}: the reference recipe. */
    public static ReaderConfig defaults() {
        return fromConfig(ConfigFactory.empty(), "reader");
    }

    /**
     * Reads a {@code reader { ... }} block (found at {@code path} in the job's configuration, for
     * messages). Keys left out take the defaults of {@code conf/jobs/reader.conf}; unknown keys and
     * bad values fail with a {@link io.vilspark.config.ConfigException} naming the key.
     */
    public static ReaderConfig fromConfig(Config section, String path) {
        SettingsBlock s = SettingsBlock.of(JobConfig.load(defaultsAt(DEFAULTS_ROOT, path), section.atPath(path), List.of()),
                path);
        String normalisation = s.choice("normalisation", NORMALISATIONS);
        List<Double> mean = s.numbers("mean");
        List<Double> std = s.numbers("std");
        if (normalisation.equals("given")) {
            PixelNormalisation.checkGiven(s, mean, std);
        }
        AugmentationConfig augment = AugmentationConfig.read(s.within("augment"));
        return new ReaderConfig(s.integer("batch_size", 1), s.integral("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                s.bool("shuffle.global"), s.integer("shuffle.buffer", 0), normalisation, mean, std,
                s.number("eval.crop_pct", Bounds.openClosed(0, 1)), augment);
    }

    /**
     * The defaults of {@code conf/jobs/reader.conf} at {@code defaultsAt} ({@code reader} or
     * {@code reader.augment}), moved to {@code path}, where the user's block sits in the job.
     */
    static Config defaultsAt(String defaultsAt, String path) {
        Config defaults = JobConfig.withRealNumbers(JobConfig.defaults(DEFAULTS_RESOURCE), REAL_NUMBERS);
        return defaults.getConfig(defaultsAt).atPath(path);
    }

    /** The normalisation for a dataset: its manifest's statistics, ImageNet's, or the given ones. */
    public PixelNormalisation normalisationFor(DatasetManifest manifest) {
        return switch (normalisation) {
            case "manifest" -> PixelNormalisation.of(manifest);
            case "imagenet" -> PixelNormalisation.imagenet();
            default -> new PixelNormalisation(mean, std);
        };
    }

    public ReaderConfig withBatchSize(int n) {
        return new ReaderConfig(n, seed, shuffleGlobal, shuffleBuffer, normalisation, mean, std, evalCropPct, augment);
    }

    public ReaderConfig withSeed(long s) {
        return new ReaderConfig(batchSize, s, shuffleGlobal, shuffleBuffer, normalisation, mean, std, evalCropPct, augment);
    }

    public ReaderConfig withShuffle(boolean global, int buffer) {
        return new ReaderConfig(batchSize, seed, global, buffer, normalisation, mean, std, evalCropPct, augment);
    }

    public ReaderConfig withAugment(AugmentationConfig a) {
        return new ReaderConfig(batchSize, seed, shuffleGlobal, shuffleBuffer, normalisation, mean, std, evalCropPct, a);
    }

    public ReaderConfig withEvalCropPct(double pct) {
        return new ReaderConfig(batchSize, seed, shuffleGlobal, shuffleBuffer, normalisation, mean, std, pct, augment);
    }

    /** Normalise with these statistics instead of the manifest's. */
    public ReaderConfig withNormalisation(List<Double> givenMean, List<Double> givenStd) {
        return new ReaderConfig(batchSize, seed, shuffleGlobal, shuffleBuffer, "given", givenMean, givenStd, evalCropPct,
                augment);
    }

    /** Normalise with ImageNet's statistics (imported official checkpoints). */
    public ReaderConfig withImagenetNormalisation() {
        return new ReaderConfig(batchSize, seed, shuffleGlobal, shuffleBuffer, "imagenet", List.of(), List.of(),
                evalCropPct, augment);
    }
}
