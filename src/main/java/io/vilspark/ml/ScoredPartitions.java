package io.vilspark.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.vilspark.inference.ExecutorModels;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.apache.spark.sql.Row;

/**
 * The executor side of {@link ViLTransformer}: a partition's rows, in groups of one minibatch,
 * decoded and run through this JVM's model (borrowed once per task, given back when the partition
 * is done or the task ends), each row followed by its outputs. Lazy: rows stream through, one
 * minibatch in memory at a time.
 */
final class ScoredPartitions implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ScoringPlan plan;
    private final ImageInputs inputs;
    private final int column;
    private final OutputColumns columns;
    private final LongAccumulator skipped;

    /** @param skipped counts the inputs that gave null outputs (their reason is in the row) */
    ScoredPartitions(ScoringPlan plan, ImageInputs inputs, int column, OutputColumns columns, LongAccumulator skipped) {
        this.plan = plan;
        this.inputs = inputs;
        this.column = column;
        this.columns = columns;
        this.skipped = skipped;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Scored(rows);
    }

    private final class Scored implements Iterator<Row> {
        private final Iterator<Row> rows;
        private ExecutorModels.Lease lease;
        private List<Row> group = Collections.emptyList();
        private ImageBatchScorer.Scores scores;
        private int next;

        Scored(Iterator<Row> rows) {
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            if (next < group.size()) {
                return true;
            }
            if (!rows.hasNext()) {
                release();
                return false;
            }
            scoreNextGroup();
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int i = next++;
            if (!scores.ok(i)) {
                skipped.add(1);
            }
            return columns.row(group.get(i), scores, i, plan);
        }

        private void scoreNextGroup() {
            int size = plan.inference().batchSize();
            group = new ArrayList<>(size);
            List<ImageInputs.Decoded> decoded = new ArrayList<>(size);
            while (group.size() < size && rows.hasNext()) {
                Row row = rows.next();
                decoded.add(inputs.decode(row, column, Integer.toString(group.size())));
                group.add(row);
            }
            scores = new ImageBatchScorer(lease().model(), plan).score(decoded);
            next = 0;
        }

        private ExecutorModels.Lease lease() {
            if (lease == null) {
                plan.inference().applyThreads();
                try {
                    lease = ExecutorModels.borrow(plan.model());
                } catch (IOException e) {
                    throw new UncheckedIOException(plan.model().path() + ": " + e.getMessage(), e);
                }
                TaskContext task = TaskContext.get();
                if (task != null) {
                    task.addTaskCompletionListener((TaskCompletionListener) t -> release());
                }
            }
            return lease;
        }

        private void release() {
            if (lease != null) {
                lease.close();
                lease = null;
            }
        }
    }
}
