package io.vilspark.data.prepare;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.vilspark.image.SkipReason;

/**
 * What the encoding tasks report back: rows and pixel sums per split, skipped inputs per reason
 * with the first example keys, the largest label. Sums are exact integers, so the mean and
 * standard deviation do not depend on the order tasks finish in; the examples are the smallest
 * keys, for the same reason.
 */
final class StatsTally implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int channels;
    private final int maxExamples;
    final long[] rows = new long[Split.values().length];
    /** per split and channel: sum of pixel values, sum of their squares, and the pixel count per channel */
    final long[][] sum;
    final long[][] sumSquares;
    final long[] pixels = new long[Split.values().length];
    final EnumMap<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
    final EnumMap<SkipReason, TreeSet<String>> examples = new EnumMap<>(SkipReason.class);
    int maxLabel = -1;

    StatsTally(int channels, int maxExamples) {
        this.channels = channels;
        this.maxExamples = maxExamples;
        this.sum = new long[Split.values().length][channels];
        this.sumSquares = new long[Split.values().length][channels];
    }

    boolean isEmpty() {
        return maxLabel < 0 && skipped.isEmpty() && rows[0] == 0 && rows[1] == 0;
    }

    /** One stored row: its label and its 8-bit CHW pixels. */
    void addRow(Split split, int label, byte[] p) {
        int s = split.ordinal();
        rows[s]++;
        maxLabel = Math.max(maxLabel, label);
        int plane = p.length / channels;
        for (int c = 0; c < channels; c++) {
            long total = 0;
            long squares = 0;
            for (int i = c * plane, end = i + plane; i < end; i++) {
                int v = p[i] & 0xFF;
                total += v;
                squares += v * v;
            }
            sum[s][c] += total;
            sumSquares[s][c] += squares;
        }
        pixels[s] += plane;
    }

    void addSkip(SkipReason reason, String key) {
        skipped.merge(reason, 1L, Long::sum);
        keepExample(reason, key);
    }

    private void keepExample(SkipReason reason, String key) {
        if (maxExamples == 0) {
            return;
        }
        TreeSet<String> keys = examples.computeIfAbsent(reason, r -> new TreeSet<>());
        keys.add(key);
        if (keys.size() > maxExamples) {
            keys.pollLast();
        }
    }

    void merge(StatsTally other) {
        for (int s = 0; s < rows.length; s++) {
            rows[s] += other.rows[s];
            pixels[s] += other.pixels[s];
            for (int c = 0; c < channels; c++) {
                sum[s][c] += other.sum[s][c];
                sumSquares[s][c] += other.sumSquares[s][c];
            }
        }
        other.skipped.forEach((r, n) -> skipped.merge(r, n, Long::sum));
        other.examples.forEach((r, keys) -> keys.forEach(k -> keepExample(r, k)));
        maxLabel = Math.max(maxLabel, other.maxLabel);
    }

    StatsTally copy() {
        StatsTally c = new StatsTally(channels, maxExamples);
        c.merge(this);
        return c;
    }

    /** Per-channel mean of pixels scaled to [0, 1]. */
    List<Double> mean(Split split) {
        int s = split.ordinal();
        List<Double> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            out.add(sum[s][c] / (255.0 * pixels[s]));
        }
        return out;
    }

    /** Per-channel population standard deviation of pixels scaled to [0, 1]. */
    List<Double> std(Split split) {
        int s = split.ordinal();
        List<Double> out = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            double n = pixels[s];
            double mean = sum[s][c] / n;
            double variance = Math.max(0, sumSquares[s][c] / n - mean * mean);
            out.add(Math.sqrt(variance) / 255.0);
        }
        return out;
    }

    /** Counts for every reason, zeros included, in the enum's order. */
    Map<String, Long> skippedByReason() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (SkipReason r : SkipReason.values()) {
            out.put(r.key(), skipped.getOrDefault(r, 0L));
        }
        return out;
    }

    Map<String, List<String>> examplesByReason() {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        examples.forEach((r, keys) -> out.put(r.key(), new ArrayList<>(keys)));
        return out;
    }
}
