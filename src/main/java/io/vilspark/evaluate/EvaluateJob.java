package io.vilspark.evaluate;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.ProgressReporter;
import io.vilspark.data.read.PixelNormalisation;
import io.vilspark.data.read.ReadMode;
import io.vilspark.data.read.ReaderConfig;
import io.vilspark.data.read.ReaderPlan;
import io.vilspark.data.read.ShardDataException;
import io.vilspark.data.read.ShardDatasets;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.inference.ModelRef;
import io.vilspark.model.ViLConfig;
import io.vilspark.registry.ModelMetadata;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code vil evaluate} as a Spark job: the driver checks the dataset against the model and plans the
 * read; the executors read their shards, run the model (read once per executor JVM) and count; only
 * the counts come back. The driver then writes the report ({@link EvaluationReport}).
 */
public final class EvaluateJob {
    /** What an evaluation found, with what it needs to be reported. */
    public record Result(String model, String data, String split, EvalTally tally, List<String> classNames,
                         PixelNormalisation normalisation, int batchSize, String threads, double seconds) {
    }

    private EvaluateJob() {
    }

    /**
     * Evaluates {@code model} on {@code <data>/<split>} and writes the report to {@code out}.
     *
     * @param progress where progress lines go (null: nowhere)
     */
    public static Result run(SparkSession spark, String model, String data, String out, EvaluateSettings s,
                             PrintWriter progress) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        ModelRef ref = ModelRef.of(model, hadoop);
        ViLConfig config;
        ModelMetadata metadata;
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(ref)) {
            config = lease.model().config();
            metadata = lease.metadata();
        }
        DatasetManifest manifest = DatasetManifest.read(data, hadoop);
        String split = s.split() != null ? s.split() : defaultSplit(data, hadoop);
        // a damaged shard is one line naming it, before Spark reads the footers and fails in a task
        ShardDatasets.checkSplit(data, split, hadoop);
        PixelNormalisation normalisation = s.inference().pixelNormalisation(metadata, manifest,
                EvaluateSettings.BLOCK + ".normalisation");
        if (normalisation.channels() != config.channels()) {
            throw new ShardDataException(EvaluateSettings.BLOCK + ".normalisation: " + normalisation.channels()
                    + " channel(s) (" + normalisation + "), the model has " + config.channels());
        }
        ReaderConfig reader = ReaderConfig.defaults().withBatchSize(s.inference().batchSize())
                .withEvalCropPct(s.inference().cropPct()).withNormalisation(normalisation.mean(), normalisation.std());
        ReaderPlan plan = ReaderPlan.create(manifest, config, reader, ReadMode.EVAL, 0, data);
        int topK = Math.min(s.topK(), config.numClasses());

        LongAccumulator done = spark.sparkContext().longAccumulator("vil.evaluate.images");
        long expected = manifest.rows().getOrDefault(split, 0L);
        long start = System.nanoTime();
        EvalTally tally;
        try (ProgressReporter reporter = new ProgressReporter("evaluate", done.id(), expected, progress,
                s.progressSeconds())) {
            spark.sparkContext().addSparkListener(reporter);
            try {
                tally = ShardDatasets.read(spark, data, split, plan)
                        .mapPartitions(new EvalPartition(ref, s.inference(), config.numClasses(), topK, done))
                        .fold(new EvalTally(config.numClasses(), topK), EvalTally::merge);
            } catch (RuntimeException e) {
                // a task failure arrives wrapped by Spark; the reader's own message says what is wrong
                ShardDataException cause = ShardDataException.findIn(e);
                throw cause != null ? cause : e;
            } finally {
                spark.sparkContext().removeSparkListener(reporter);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (tally.rows() == 0) {
            throw new ShardDataException(new Path(data, split) + ": no labelled images to evaluate ("
                    + tally.unlabelled() + " unlabelled)");
        }
        Result r = new Result(model, data, split, tally, classNames(manifest, metadata, config.numClasses()),
                normalisation, s.inference().batchSize(), s.inference().describeThreads(), seconds);
        EvaluationReport.write(r, out, hadoop);
        return r;
    }

    /** {@code test} when the dataset has such a split folder, else {@code val} (the name prepare gives it). */
    public static String defaultSplit(String data, Configuration hadoop) throws IOException {
        Path test = new Path(data, "test");
        return test.getFileSystem(hadoop).exists(test) ? "test" : "val";
    }

    /** The dataset's class names, else the model's, else the indices. */
    private static List<String> classNames(DatasetManifest manifest, ModelMetadata metadata, int classes) {
        if (manifest.classes().size() == classes) {
            return manifest.classes();
        }
        if (metadata.classNames() != null && metadata.classNames().size() == classes) {
            return metadata.classNames();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }
}
