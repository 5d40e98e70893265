package io.vilspark.data.prepare;

import io.vilspark.data.DatasetManifest;

/**
 * What a finished prepare run did.
 *
 * @param inputs inputs encoded or skipped (files, or IDX records)
 * @param seconds wall time of the encoding (decode, resize, write), listing excluded
 * @param cores the job's parallelism (Spark's default parallelism: executor cores)
 */
public record PrepareResult(DatasetManifest manifest, String output, long inputs, double seconds, int cores) {
    public double imagesPerSecond() {
        return seconds > 0 ? inputs / seconds : 0;
    }

    public double imagesPerSecondPerCore() {
        return imagesPerSecond() / Math.max(1, cores);
    }
}
