package io.vilspark.features;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

import io.vilspark.data.read.ReaderPlan;
import io.vilspark.data.read.ShardRecord;
import io.vilspark.fs.HadoopConfBox;
import io.vilspark.inference.BatchInference;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.inference.ModelOutputs;
import io.vilspark.inference.ModelRef;
import io.vilspark.inference.TopClasses;
import org.apache.hadoop.conf.Configuration;

/**
 * The executor side of {@code vil extract}, for one output file: unless the file is already
 * complete, the partition's records go through the shared batched inference ({@link BatchInference})
 * on this JVM's model (read once per executor, see {@link ExecutorModels}) and are
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
                long write = 0;
                BatchInference scored = new BatchInference(lease.model(), plan, records, partition);
                while (scored.hasNext()) {
                    BatchInference.Scored batch = scored.next();
                    long t0 = System.nanoTime();
                    ModelOutputs outputs = batch.outputs();
                    for (int i = 0; i < outputs.rows(); i++) {
                        String key = batch.keys().get(i);
                        injectFailure(key);
                        writer.write(row(key, batch.labels()[i], outputs, i));
                        rows++;
                    }
                    write += System.nanoTime() - t0;
                }
                PartitionStats stats = new PartitionStats(name, rows, skips.counts, skips.examples, scored.readNanos(),
                        scored.inferNanos(), write, false);
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
