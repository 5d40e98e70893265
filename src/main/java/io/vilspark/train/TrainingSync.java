package io.vilspark.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How the workers of a training run agree on one model ({@code train.sync}).
 */
public enum TrainingSync {
    /**
     * Every worker trains {@code averaging_frequency} minibatches on its own copy, then the driver averages
     * parameters and updater state ({@link ParameterAveraging}). Fewer Spark jobs; an approximation of one
     * large minibatch.
     */
    PARAMETERS,
    /**
     * Every step the workers compute the gradient of one minibatch each and the driver applies one update
     * with their sum ({@link GradientSteps}): N workers with minibatch b train exactly as one worker with
     * minibatch N x b. One Spark job per step.
     */
    GRADIENTS;

    /** The name a recipe writes: {@code parameters}, {@code gradients}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode a recipe names, if it names one. */
    static Optional<TrainingSync> ofKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key().equals(key)).findFirst();
    }

    /** The allowed names, for error messages: {@code parameters | gradients}. */
    static String keys() {
        return Arrays.stream(values()).map(TrainingSync::key).collect(Collectors.joining(" | "));
    }
}
