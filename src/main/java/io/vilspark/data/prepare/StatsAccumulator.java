package io.vilspark.data.prepare;

import org.apache.spark.util.AccumulatorV2;

/**
 * Collects the {@link StatsTally} of every encoding task on the driver. Tasks add their tally
 * once, when their shard is done; Spark applies a result task's update once, even if the task
 * was retried.
 */
final class StatsAccumulator extends AccumulatorV2<StatsTally, StatsTally> {
    private static final long serialVersionUID = 1L;
    private final int channels;
    private final int maxExamples;
    private StatsTally tally;

    StatsAccumulator(int channels, int maxExamples) {
        this.channels = channels;
        this.maxExamples = maxExamples;
        this.tally = new StatsTally(channels, maxExamples);
    }

    @Override
    public boolean isZero() {
        return tally.isEmpty();
    }

    @Override
    public AccumulatorV2<StatsTally, StatsTally> copy() {
        StatsAccumulator c = new StatsAccumulator(channels, maxExamples);
        c.tally = tally.copy();
        return c;
    }

    @Override
    public void reset() {
        tally = new StatsTally(channels, maxExamples);
    }

    @Override
    public void add(StatsTally v) {
        tally.merge(v);
    }

    @Override
    public void merge(AccumulatorV2<StatsTally, StatsTally> other) {
        tally.merge(other.value());
    }

    @Override
    public StatsTally value() {
        return tally;
    }
}
