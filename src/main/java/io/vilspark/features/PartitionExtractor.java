package io.vilspark.features;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

import io.vilspark.data.prepare.HadoopConfBox;
import io.vilspark.data.read.ReaderPlan;
import io.vilspark.data.read.ShardRecord;
import io.vilspark.inference.BatchLabels;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.inference.ModelOutputs;
import io.vilspark.inference.ModelRef;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The executor side of {@code vil extract}, for one output file: unless the file is already
 * complete, the partition's records become normalised minibatches (the shard reader's evaluation
 * path), go through this JVM's model (read once per executor, see {@link ExecutorModels}) and are
 * written as feature rows to a temporary file that is committed at the end ({@link PartitionFile}).
 */
final class PartitionExtractor implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelRef model;
    private final ExtractSettings settings;
    private final FeatureColumns columns;
    private final List<String> classNames;
    private final ReaderPlan plan;
    private final HadoopConfBox hadoop;

    /**
     * @param classNames the model's class names for {@code top_names} (may be empty)
     * @param plan       how records become minibatches (geometry, normalisation, crop, batch size)
     */
    PartitionExtractor(ModelRef model, ExtractSettings settings, FeatureColumns columns, List<String> classNames,
                       ReaderPlan plan, HadoopConfBox hadoop) {
        this.model = model;
        this.settings = settings;
        this.columns = columns;
        this.classNames = List.copyOf(classNames);
        this.plan = plan;
        this.hadoop = hadoop;
    }

    Configuration conf() {
        return hadoop.get();
    }

    /** A complete output file's statistics, or null when the partition still has to be done. */
    PartitionStats completed(String target) throws IOException {
        PartitionFile file = new PartitionFile(target, conf());
        return file.complete() ? file.stats(conf()).asResumed() : null;
    }

    /**
     * Writes {@code target} from {@code records} unless it is complete already.
     *
     * @param name    the file's name relative to the output folder, for the statistics
     * @param skips   inputs the record source left out (filled while the records are read)
     */
    PartitionStats extract(String target, String name, int partition, Iterator<ShardRecord> records,
                           PartitionStats.Skips skips) throws IOException {
        PartitionStats done = completed(target);
        if (done != null) {
            return done;
        }
        settings.inference().applyThreads();
        PartitionFile file = new PartitionFile(target, conf());
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(model)) {
            PartitionFile.Writer writer = file.open(columns, settings.compression(), conf());
            try {
                long rows = 0;
                long read = 0;
                long infer = 0;
                long write = 0;
                Iterator<DataSet> batches = plan.batches(records, partition);
                TaskContext task = TaskContext.get();
                while (true) {
                    if (task != null) {
                        // a task of a failed or cancelled job stops here instead of finishing its file
                        task.killTaskIfInterrupted();
                    }
                    long t0 = System.nanoTime();
                    if (!batches.hasNext()) {
                        read += System.nanoTime() - t0;
                        break;
                    }
                    DataSet batch = batches.next();
                    long t1 = System.nanoTime();
                    ModelOutputs outputs = ModelOutputs.compute(lease.model(), batch.getFeatures());
                    long t2 = System.nanoTime();
                    int[] labels = BatchLabels.of(batch.getLabels());
                    List<?> keys = batch.getExampleMetaData();
                    for (int i = 0; i < outputs.rows(); i++) {
                        String key = (String) keys.get(i);
                        injectFailure(key);
                        writer.write(row(key, labels[i], outputs, i));
                        rows++;
                    }
                    read += t1 - t0;
                    infer += t2 - t1;
                    write += System.nanoTime() - t2;
                }
                PartitionStats stats = new PartitionStats(name, rows, skips.counts, skips.examples, read, infer, write,
                        false);
                writer.commit(stats);
                return stats;
            } catch (IOException | RuntimeException | Error e) {
                writer.abort();
                throw e;
            }
        }
    }

    private FeatureRow row(String key, int label, ModelOutputs outputs, int i) {
        float[] logits = columns.logits() ? outputs.logitsOf(i) : null;
        int[] topClasses = null;
        float[] topProbs = null;
        String[] topNames = null;
        if (columns.topK() > 0) {
            TopClasses top = TopClasses.of(outputs.logits(), i * outputs.classes(), outputs.classes(), columns.topK());
            topClasses = top.classes;
            topProbs = top.probabilities;
            if (columns.names()) {
                topNames = new String[topClasses.length];
                for (int t = 0; t < topClasses.length; t++) {
                    topNames[t] = classNames.get(topClasses[t]);
                }
            }
        }
        return new FeatureRow(key, label < 0 ? null : label, outputs.featuresOf(i), logits, topClasses, topProbs, topNames);
    }

    /** Testing: a crash in the middle of a partition (extract.fail_on_key). */
    private void injectFailure(String key) {
        if (key.equals(settings.failOnKey())) {
            if (settings.failHalt()) {
                Runtime.getRuntime().halt(86); // no clean-up of any kind, as with kill -9
            }
            throw new IllegalStateException("injected failure (extract.fail_on_key) at " + key);
        }
    }
}
