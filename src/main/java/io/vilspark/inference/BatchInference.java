package io.vilspark.inference;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.vilspark.data.read.ReaderPlan;
import io.vilspark.data.read.ShardRecord;
import io.vilspark.model.ViLModel;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The one batched inference path of the executors, shared by {@code vil extract} and the DataFrame
 * API ({@code io.vilspark.ml}): shard records become normalised minibatches (the shard reader's
 * evaluation path, {@link ReaderPlan#batches}), each goes through the model once
 * ({@link ModelOutputs}). A task of a failed or cancelled job stops between minibatches. The time
 * spent reading (decoding, normalising) and in the model is summed for job statistics.
 */
public final class BatchInference implements Iterator<BatchInference.Scored> {
    /** One minibatch's results: row {@code i} of {@code outputs} belongs to {@code keys[i]}. */
    public record Scored(List<String> keys, int[] labels, ModelOutputs outputs) {
    }

    private final ViLModel model;
    private final Iterator<DataSet> batches;
    private final TaskContext task = TaskContext.get();
    private long readNanos;
    private long inferNanos;

    /** @param partition seeds the reader's random streams (unused in evaluation, kept for its contract) */
    public BatchInference(ViLModel model, ReaderPlan plan, Iterator<ShardRecord> records, int partition) {
        this.model = model;
        this.batches = plan.batches(records, partition);
    }

    @Override
    public boolean hasNext() {
        if (task != null) {
            task.killTaskIfInterrupted();
        }
        long t0 = System.nanoTime();
        boolean more = batches.hasNext();
        readNanos += System.nanoTime() - t0;
        return more;
    }

    @Override
    public Scored next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        long t0 = System.nanoTime();
        DataSet batch = batches.next();
        long t1 = System.nanoTime();
        ModelOutputs outputs = ModelOutputs.compute(model, batch.getFeatures());
        long t2 = System.nanoTime();
        readNanos += t1 - t0;
        inferNanos += t2 - t1;
        @SuppressWarnings("unchecked")
        List<String> keys = (List<String>) (List<?>) batch.getExampleMetaData();
        return new Scored(keys, BatchLabels.of(batch.getLabels()), outputs);
    }

    /** Nanoseconds spent reading records into minibatches so far. */
    public long readNanos() {
        return readNanos;
    }

    /** Nanoseconds spent in the model so far. */
    public long inferNanos() {
        return inferNanos;
    }
}
