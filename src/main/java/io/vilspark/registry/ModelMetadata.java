package io.vilspark.registry;

import java.util.List;
import java.util.Map;

/**
 * What a model file says about itself besides weights: the architecture as the reference's
 * constructor arguments, the input normalisation its inputs expect, and where it came from.
 *
 * @param format always {@link #FORMAT}
 * @param formatVersion bumped on incompatible changes
 * @param config {@code VisionLSTM2(**config)} arguments
 * @param mean per-channel mean subtracted from pixels scaled to [0, 1]
 * @param std per-channel standard deviation pixels are divided by
 * @param classNames class names in index order (may be empty)
 * @param provenance free-form origin facts (source checkpoint, creation time, tool version)
 */
public record ModelMetadata(String format, int formatVersion, Map<String, Object> config,
                            List<Double> mean, List<Double> std, List<String> classNames,
                            Map<String, Object> provenance) {
    public static final String FORMAT = "vil-spark-model";
    public static final int VERSION = 1;
    /** ImageNet's statistics, which the official checkpoints were trained with. */
    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);
}
