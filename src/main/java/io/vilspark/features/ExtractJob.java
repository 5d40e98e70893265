package io.vilspark.features;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vilspark.config.ConfigException;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.ProgressReporter;
import io.vilspark.data.read.PixelNormalisation;
import io.vilspark.data.read.ReadMode;
import io.vilspark.data.read.ReaderConfig;
import io.vilspark.data.read.ReaderPlan;
import io.vilspark.data.read.ShardDataException;
import io.vilspark.fs.HadoopConfBox;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.inference.ModelRef;
import io.vilspark.model.ViLConfig;
import io.vilspark.registry.ModelMetadata;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * {@code vil extract} as a Spark job. The driver reads the model's metadata, plans the partitions
 * (one per shard file, or key-ordered chunks of an image collection), checks the output folder
 * against the plan and removes leftovers of crashed runs; the executors do the rest, one output
 * file per partition ({@link PartitionExtractor}). Only per-partition statistics come back, from
 * which the driver writes {@code _summary.json} last.
 */
public final class ExtractJob {
    /** What a run did; {@code partitionStats} holds every output file, resumed ones included. */
    public record Result(String out, String format, long rows, long skipped, Map<String, Long> skippedByReason,
                         int partitions, int resumedPartitions, long inputsThisRun, double seconds,
                         double readSeconds, double inferSeconds, double writeSeconds, FeatureColumns columns) {
        /** Inputs per second of wall time in this run (resumed partitions excluded). */
        public double imagesPerSecond() {
            return inputsThisRun / Math.max(seconds, 1e-9);
        }

        public boolean logits() {
            return columns.logits();
        }

        public int topK() {
            return columns.topK();
        }
    }

    private ExtractJob() {
    }

    /** @param progress where progress lines go (null: nowhere) */
    public static Result run(SparkSession spark, String model, String input, String out, ExtractSettings s,
                             PrintWriter progress) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopConfBox hadoop = new HadoopConfBox(conf);
        ModelRef ref = ModelRef.of(model, conf);
        ViLConfig config;
        ModelMetadata metadata;
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(ref)) {
            config = lease.model().config();
            metadata = lease.metadata();
        }
        List<String> names = metadata.classNames() == null ? List.of() : metadata.classNames();
        FeatureColumns columns = new FeatureColumns(s.logits(), Math.min(s.topK(), config.numClasses()),
                s.topK() > 0 && names.size() == config.numClasses());
        String format = s.format().equals("auto") ? (ShardInput.isShards(input, conf) ? "shards" : "images") : s.format();
        ReaderConfig reader = ReaderConfig.defaults().withBatchSize(s.inference().batchSize())
                .withEvalCropPct(s.inference().cropPct());

        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("format", format);
        plan.put("input", qualified(input, conf));
        plan.put("model", modelVersion(model, conf));
        plan.put("columns", Map.of("logits", columns.logits(), "top_k", columns.topK()));
        plan.put("crop_pct", s.inference().cropPct());
        long start = System.nanoTime();
        LongAccumulator done = spark.sparkContext().longAccumulator("vil.extract.inputs");
        List<PartitionStats> stats;
        long expected;
        OutputFolder folder;
        if (format.equals("shards")) {
            ShardInput.Plan shards = ShardInput.plan(input, s.splits(), out, conf);
            DatasetManifest m = shards.manifest();
            if (m.channels() != config.channels()) {
                throw new ShardDataException(input + ": " + m.channels() + "-channel images, the model takes "
                        + config.channels());
            }
            PixelNormalisation norm = normalisation(s, metadata, m, config);
            ReaderPlan readerPlan = new ReaderPlan(m.channels(), m.gridH(), m.gridW(), m.patch(), m.classes().size(),
                    Math.max(1, m.classes().size()), config.height(), config.width(), norm, reader, ReadMode.EVAL, 0);
            plan.put("normalisation", Map.of("mean", norm.mean(), "std", norm.std()));
            plan.put("partitions", shards.tasks().stream().map(ShardInput.Task::name).toList());
            folder = OutputFolder.open(out, plan, s.overwrite(), conf);
            folder.removeTemporaries();
            expected = shards.rows() - completedInputs(folder, conf);
            PartitionExtractor extractor = new PartitionExtractor(ref, s, columns, names, readerPlan, hadoop);
            JavaRDD<ShardInput.Task> tasks = jsc.parallelize(shards.tasks(), Math.max(1, shards.tasks().size()));
            stats = runWithProgress(spark, done, expected, progress, s.progressSeconds(),
                    () -> tasks.mapPartitions(new ShardInput.Partitions(extractor, done)).collect());
        } else {
            int side = s.resolution() == 0 ? Math.max(config.height(), config.width()) : s.resolution();
            if (side % config.patchSize() != 0) {
                throw new ConfigException(null, ExtractSettings.BLOCK + ".resolution", side
                        + " is not a multiple of the model's patch size " + config.patchSize());
            }
            PixelNormalisation norm = normalisation(s, metadata, null, config);
            ImageInput.Plan images = ImageInput.plan(jsc, input, s.imagesPerPartition(), hadoop);
            try {
                int grid = side / config.patchSize();
                ReaderPlan readerPlan = new ReaderPlan(config.channels(), grid, grid, config.patchSize(),
                        images.classes().size(), Math.max(1, images.classes().size()), config.height(), config.width(),
                        norm, reader, ReadMode.EVAL, 0);
                plan.put("normalisation", Map.of("mean", norm.mean(), "std", norm.std()));
                plan.put("resolution", side);
                plan.put("filter", s.filter().configName());
                plan.put("images_per_partition", s.imagesPerPartition());
                plan.put("inputs", images.inputs());
                plan.put("key_digest", Long.toHexString(images.keyDigest()));
                folder = OutputFolder.open(out, plan, s.overwrite(), conf);
                folder.removeTemporaries();
                expected = images.inputs() - completedInputs(folder, conf);
                PartitionExtractor extractor = new PartitionExtractor(ref, s, columns, names, readerPlan, hadoop);
                ImageInput.Encoding encoding = new ImageInput.Encoding(side, config.patchSize(), config.channels(),
                        s.filter(), s.maxPixels(), s.maxFileBytes());
                String outDir = folder.root().toString();
                stats = runWithProgress(spark, done, expected, progress, s.progressSeconds(),
                        () -> images.items().mapPartitionsWithIndex(new ImageInput.Partitions(extractor, encoding, outDir,
                                s.skippedExamples(), done), false).collect());
            } finally {
                images.listed().unpersist(false);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        folder.removeTemporaries();
        Result result = result(folder.root().toString(), format, stats, done.value(), seconds, columns);
        folder.writeSummary(summary(result, model, input, s, stats, seconds), conf);
        return result;
    }

    /** Runs the Spark job with a progress line; a reader error inside a task failure is rethrown as itself. */
    private static List<PartitionStats> runWithProgress(SparkSession spark, LongAccumulator done, long expected,
                                                        PrintWriter progress, int progressSeconds, Job job) {
        try (ProgressReporter reporter = new ProgressReporter("extract", done.id(), Math.max(0, expected), progress,
                progressSeconds)) {
            spark.sparkContext().addSparkListener(reporter);
            try {
                List<PartitionStats> stats = job.run();
                if (progress != null && progressSeconds > 0) {
                    progress.println(reporter.line());
                    progress.flush();
                }
                return stats;
            } catch (RuntimeException e) {
                ShardDataException cause = ShardDataException.findIn(e);
                throw cause != null ? cause : e;
            } finally {
                spark.sparkContext().removeSparkListener(reporter);
            }
        }
    }

    @FunctionalInterface
    private interface Job {
        List<PartitionStats> run();
    }

    private static PixelNormalisation normalisation(ExtractSettings s, ModelMetadata metadata, DatasetManifest manifest,
                                                    ViLConfig config) {
        String key = ExtractSettings.BLOCK + ".normalisation";
        PixelNormalisation norm = s.inference().pixelNormalisation(metadata, manifest, key);
        if (norm.channels() != config.channels()) {
            throw new ConfigException(null, key, norm.channels() + " channel(s) (" + norm + "), the model has "
                    + config.channels());
        }
        return norm;
    }

    /** Inputs that output files of an earlier run of this plan already account for (for the progress total). */
    private static long completedInputs(OutputFolder folder, Configuration conf) throws IOException {
        long n = 0;
        FileSystem fs = folder.root().getFileSystem(conf);
        for (FileStatus f : listParquet(fs, folder.root())) {
            n += new PartitionFile(f.getPath().toString(), conf).stats(conf).inputs();
        }
        return n;
    }

    private static List<FileStatus> listParquet(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> out = new java.util.ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (s.isDirectory()) {
                out.addAll(listParquet(fs, s.getPath()));
            } else if (name.endsWith(".parquet")) {
                out.add(s);
            }
        }
        return out;
    }

    private static String qualified(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(conf).makeQualified(p).toString();
    }

    /** The model file and its version: a file rewritten in place is another plan. */
    private static Map<String, Object> modelVersion(String model, Configuration conf) throws IOException {
        Path p = new Path(model);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(p);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", fs.makeQualified(p).toString());
        m.put("bytes", status.getLen());
        m.put("modified", status.getModificationTime());
        return m;
    }

    private static Result result(String out, String format, List<PartitionStats> stats, long inputsThisRun,
                                 double seconds, FeatureColumns columns) {
        long rows = 0;
        long read = 0;
        long infer = 0;
        long write = 0;
        int resumed = 0;
        Map<String, Long> skipped = new TreeMap<>();
        for (PartitionStats p : stats) {
            rows += p.rows();
            p.skipped().forEach((k, v) -> skipped.merge(k, v, Long::sum));
            if (p.resumed()) {
                resumed++;
            } else {
                read += p.readNanos();
                infer += p.inferNanos();
                write += p.writeNanos();
            }
        }
        long skippedTotal = skipped.values().stream().mapToLong(Long::longValue).sum();
        return new Result(out, format, rows, skippedTotal, skipped, stats.size(), resumed, inputsThisRun, seconds,
                read / 1e9, infer / 1e9, write / 1e9, columns);
    }

    private static Map<String, Object> summary(Result r, String model, String input, ExtractSettings s,
                                               List<PartitionStats> stats, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("input", input);
        m.put("format", r.format());
        m.put("rows", r.rows());
        m.put("skipped", r.skipped());
        m.put("skipped_by_reason", r.skippedByReason());
        Map<String, java.util.TreeSet<String>> examples = new TreeMap<>();
        for (PartitionStats p : stats) {
            p.examples().forEach((reason, keys) -> examples.computeIfAbsent(reason, k -> new java.util.TreeSet<>()).addAll(keys));
        }
        Map<String, List<String>> cut = new TreeMap<>();
        examples.forEach((reason, keys) -> cut.put(reason, keys.stream().limit(s.skippedExamples()).toList()));
        m.put("skipped_examples", cut);
        m.put("partitions", r.partitions());
        m.put("partitions_resumed", r.resumedPartitions());
        m.put("columns", r.columns().columnNames());
        m.put("batch_size", s.inference().batchSize());
        m.put("threads", s.inference().describeThreads());
        m.put("seconds", seconds);
        m.put("inputs_this_run", r.inputsThisRun());
        m.put("images_per_second", r.imagesPerSecond());
        m.put("task_seconds", Map.of("read_decode", r.readSeconds(), "model", r.inferSeconds(), "write", r.writeSeconds()));
        m.put("files", stats.stream().map(p -> Map.of("file", p.file(), "rows", p.rows(), "skipped", p.skippedTotal()))
                .toList());
        m.put("created", Instant.now().toString());
        return m;
    }
}
