package io.vilspark.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The median of timings: robust to one slow iteration (GC, a page fault) that a mean would absorb. */
public final class Median {
    private Median() {
    }

    /** The middle value (the mean of the two middle ones for an even count); refuses an empty list. */
    public static double of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
