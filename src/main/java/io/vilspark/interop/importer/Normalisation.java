package io.vilspark.interop.importer;

import java.util.List;

import io.vilspark.config.BadInputException;
import io.vilspark.registry.ModelMetadata;

/**
 * The per-channel mean/std a model's inputs are normalised with (pixels scaled to [0, 1] first).
 * Official checkpoints were trained on ImageNet, so RGB models default to its statistics; other
 * channel counts have no safe default and must be given.
 */
public record Normalisation(List<Double> mean, List<Double> std) {

    /**
     * The normalisation given by {@code --mean}/{@code --std} (both null: ImageNet's, for RGB models only),
     * checked to have one finite value per channel and positive deviations.
     */
    public static Normalisation resolve(List<Double> mean, List<Double> std, int channels) {
        if ((mean == null) != (std == null)) {
            throw BadInputException.usage("give --mean and --std together");
        }
        if (mean == null) {
            if (channels != 3) {
                throw BadInputException.usage("--mean and --std are required for a " + channels
                        + "-channel model (the ImageNet default only fits RGB), e.g. --mean 0.5 --std 0.5");
            }
            return new Normalisation(ModelMetadata.IMAGENET_MEAN, ModelMetadata.IMAGENET_STD);
        }
        check("--mean", mean, channels);
        check("--std", std, channels);
        for (double s : std) {
            if (!(s > 0)) {
                throw BadInputException.usage("--std: " + s + " is not > 0");
            }
        }
        return new Normalisation(List.copyOf(mean), List.copyOf(std));
    }

    private static void check(String option, List<Double> values, int channels) {
        if (values.size() != channels) {
            throw BadInputException.usage(option + ": " + values.size() + " value(s) " + values + " for a "
                    + channels + "-channel model; give one per channel");
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw BadInputException.usage(option + ": " + v + " is not a finite number");
            }
        }
    }
}
