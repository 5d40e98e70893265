package io.vilspark.features;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.image.SkipReason;

/**
 * What one output file holds and how it was made: rows written, inputs skipped by reason (with the
 * first example keys), and where the task's time went. Stored in the file's footer, so a rerun that
 * finds the file complete still reports it.
 *
 * @param file      output file, relative to the output folder
 * @param rows      rows written
 * @param skipped   inputs left out, by reason ({@code corrupt}, {@code not_an_image}, ...)
 * @param examples  up to N keys per reason (the smallest, so the list does not depend on timing)
 * @param readNanos time spent reading, decoding and normalising inputs
 * @param inferNanos time spent in the model
 * @param writeNanos time spent writing and committing
 * @param resumed   true when this run found the file complete and did not redo it
 */
record PartitionStats(String file, long rows, Map<String, Long> skipped, Map<String, TreeSet<String>> examples,
                      long readNanos, long inferNanos, long writeNanos, boolean resumed) implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Inputs this file accounts for: rows written and inputs skipped. */
    long inputs() {
        return rows + skippedTotal();
    }

    PartitionStats asResumed() {
        return new PartitionStats(file, rows, skipped, examples, readNanos, inferNanos, writeNanos, true);
    }

    String toJson() {
        try {
            return JSON.writeValueAsString(new PartitionStats(file, rows, skipped, examples, readNanos, inferNanos,
                    writeNanos, false));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static PartitionStats fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, PartitionStats.class);
    }

    /** Skipped inputs of one task, counted as they are found. */
    static final class Skips implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int maxExamples;
        final Map<String, Long> counts = new TreeMap<>();
        final Map<String, TreeSet<String>> examples = new TreeMap<>();

        Skips(int maxExamples) {
            this.maxExamples = maxExamples;
        }

        void add(SkipReason reason, String key) {
            counts.merge(reason.key(), 1L, Long::sum);
            if (maxExamples > 0) {
                TreeSet<String> keys = examples.computeIfAbsent(reason.key(), r -> new TreeSet<>());
                keys.add(key);
                if (keys.size() > maxExamples) {
                    keys.pollLast();
                }
            }
        }
    }
}
