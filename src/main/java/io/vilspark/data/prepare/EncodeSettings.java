package io.vilspark.data.prepare;

import java.io.Serializable;

import io.vilspark.data.PatchLayout;
import io.vilspark.image.ResampleFilter;

/** What the encoding tasks need to know, shipped with them. */
record EncodeSettings(int resolution, int patch, int channels, ResampleFilter filter, long maxPixels,
                      long maxFileBytes, int skippedExamples, String failOnKey) implements Serializable {

    PatchLayout layout() {
        return new PatchLayout(channels, resolution / patch, resolution / patch, patch);
    }
}
