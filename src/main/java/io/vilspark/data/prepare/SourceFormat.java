package io.vilspark.data.prepare;

import java.util.Locale;

/** The layouts {@code vil prepare} reads. */
public enum SourceFormat {
    /** {@code train/<wnid>/*.JPEG}; val in class folders or flat with a ground-truth file */
    IMAGENET,
    /** class folders, under {@code train/} and {@code val/} or directly under the root */
    FOLDER,
    /** MNIST-style IDX files: {@code train-*} and {@code t10k-*} images with their labels */
    IDX;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format for a configured name, or null. */
    public static SourceFormat parse(String name) {
        for (SourceFormat f : values()) {
            if (f.configName().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
