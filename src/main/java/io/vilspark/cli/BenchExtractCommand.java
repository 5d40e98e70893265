package io.vilspark.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.typesafe.config.ConfigUtil;
import io.vilspark.config.JobConfig;
import io.vilspark.config.ModelConfigs;
import io.vilspark.data.SparkSessions;
import io.vilspark.data.prepare.PrepareJob;
import io.vilspark.data.prepare.PrepareSettings;
import io.vilspark.data.prepare.SyntheticJpegs;
import io.vilspark.features.ExtractJob;
import io.vilspark.features.ExtractSettings;
import io.vilspark.fs.HadoopConf;
import io.vilspark.inference.NativeThreads;
import io.vilspark.ml.ViLTransformer;
import io.vilspark.model.ConfigSummary;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vil bench-extract}: throughput of the whole extract job (decode, model, Parquet) for any model configuration. */
@Command(name = "bench-extract", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Time vil extract on drawn JPEGs (500x375 by default, in class folders) with a randomly initialised "
                        + "model of any configuration (e.g. --config vil2-tiny: ViL-T at 224), on the embedded Spark.",
                "A warm-up run on a few images reads the model and compiles what the JVM compiles; the timed run "
                        + "extracts every image from scratch. The last line is 'images/s: <number>' (wall time of the job)."})
final class BenchExtractCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Mixin
    SetOptions setOptions;

    @Option(names = "--images", defaultValue = "48", paramLabel = "N", description = "Drawn JPEGs (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", defaultValue = "500x375", paramLabel = "WxH", description = "Their size (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--input-format", defaultValue = "images", paramLabel = "images|shards",
            description = "images: extract from the JPEGs (decoding timed); shards: prepare them at the model's "
                    + "size first (not timed) and extract from the shards (default: ${DEFAULT-VALUE}).")
    String inputFormat;

    @Option(names = "--api", defaultValue = "extract", paramLabel = "extract|transformer",
            description = "extract: time the vil extract job; transformer: time the DataFrame API's pipeline stage "
                    + "(io.vilspark.ml.ViLTransformer) over the same input read as a DataFrame (binaryFile for the "
                    + "JPEGs, Parquet for shards, a partition per shard file as vil extract reads them), writing path "
                    + "and features to Parquet (default: ${DEFAULT-VALUE}).")
    String api;

    @Mixin
    BatchOption batchOption = new BatchOption(8);

    @Mixin
    ThreadsOption threadsOption;

    @Option(names = "--tasks", paramLabel = "N",
            description = "Tasks at the same time: Spark local[N] (default: local[*], one per core).")
    Integer tasks;

    @Option(names = "--per-partition", defaultValue = "8", paramLabel = "N",
            description = "Images per partition (default: ${DEFAULT-VALUE}; small, so every task slot gets work).")
    int perPartition;

    @Override
    public Integer call() throws Exception {
        int batch = batchOption.size();
        int threads = threadsOption.count();
        String[] wh = size.toLowerCase(Locale.ROOT).split("x");
        if (wh.length != 2 || !wh[0].matches("\\d+") || !wh[1].matches("\\d+") || images < 1 || batch < 1
                || threads < 0 || perPartition < 1 || (tasks != null && tasks < 1)) {
            throw new ParameterException(spec.commandLine(), "--size must be WxH; --images, --batch, --per-partition, "
                    + "--tasks at least 1; --threads at least 0");
        }
        if (!List.of("extract", "transformer").contains(api)) {
            throw new ParameterException(spec.commandLine(), "--api must be extract or transformer, got " + api);
        }
        if (!List.of("images", "shards").contains(inputFormat)) {
            throw new ParameterException(spec.commandLine(), "--input-format must be images or shards, got " + inputFormat);
        }
        ViLConfig config = ModelConfigs.resolve(configOption.model(), setOptions.asWritten());
        if (tasks != null) {
            System.setProperty("vil.spark.master", "local[" + tasks + "]");
        }
        SparkSession spark = SparkSessions.getOrCreate("vil bench-extract");
        PrintWriter w = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("vil-bench-extract");
        try {
            String modelFile = work.resolve("model.zip").toString();
            ViLModel vil = ViLModel.create(config, 0);
            List<Double> mean = config.channels() == 3 ? ModelMetadata.IMAGENET_MEAN : List.of(0.5);
            List<Double> std = config.channels() == 3 ? ModelMetadata.IMAGENET_STD : List.of(0.25);
            ModelFile.write(modelFile, vil, new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.VERSION,
                    config.toReferenceArguments(), mean, std, List.of(), Map.of("source", "bench-extract")), false,
                    HadoopConf.create());
            Path jpegs = work.resolve("jpegs");
            SyntheticJpegs.write(jpegs, images, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), 4, 0);
            Path warmJpegs = work.resolve("warm-up");
            int warm = Math.max(2, Math.min(images, 2 * batch));
            SyntheticJpegs.write(warmJpegs, warm, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), 2, 1);
            String input = jpegs.toString();
            String warmInput = warmJpegs.toString();
            if (inputFormat.equals("shards")) {
                input = prepare(spark, jpegs, work.resolve("shards"), config);
                warmInput = prepare(spark, warmJpegs, work.resolve("warm-shards"), config);
            }
            w.println("config        " + ConfigSummary.of(config));
            w.println("parameters    " + ConfigSummary.count(vil.numParams()));
            w.println("input         " + images + " JPEGs of " + size + (inputFormat.equals("shards")
                    ? ", prepared to " + config.height() + "x" + config.width() + " shards (not timed)"
                    : ", decoded and resized to " + config.height() + "x" + config.width() + " in the job"));
            w.println("spark         " + spark.sparkContext().master() + " (" + spark.sparkContext().defaultParallelism()
                    + " task slots)");
            w.println("batch         " + batch);
            w.println("threads       " + (threads == 0 ? "spark.task.cpus (" + spark.sparkContext().getConf()
                    .get("spark.task.cpus", "1") + ")" : threads) + " per task; process default "
                    + NativeThreads.current().describe());
            w.flush();
            w.println("api           " + (api.equals("extract") ? "vil extract" : "ViLTransformer over "
                    + (inputFormat.equals("shards") ? "Parquet shard rows" : "binaryFile rows")));
            w.flush();
            if (api.equals("transformer")) {
                timeTransformer(spark, modelFile, warmInput, input, work, w);
                return 0;
            }
            ExtractSettings settings = ExtractSettings.load(Optional.empty(), List.of(
                    "extract.batch_size=" + batch, "extract.threads_per_task=" + threads,
                    "extract.images_per_partition=" + perPartition, "extract.progress_seconds=0"));
            long t0 = System.nanoTime();
            ExtractJob.run(spark, modelFile, warmInput, work.resolve("warm-out").toString(), settings, null);
            w.println(String.format(Locale.ROOT, "warm-up       %d images, %.1f s (model read, JIT)", warm,
                    (System.nanoTime() - t0) / 1e9));
            w.flush();
            ExtractJob.Result r = ExtractJob.run(spark, modelFile, input, work.resolve("out").toString(), settings, null);
            double task = r.readSeconds() + r.inferSeconds() + r.writeSeconds();
            w.println(String.format(Locale.ROOT, "extracted     %d images in %.2f s; task time: read+decode %.1f s, "
                            + "model %.1f s, write %.1f s (%.0f%% model)", r.rows(), r.seconds(), r.readSeconds(),
                    r.inferSeconds(), r.writeSeconds(), task > 0 ? 100 * r.inferSeconds() / task : 0));
            w.println(String.format(Locale.ROOT, "images/s: %.2f", r.imagesPerSecond()));
            w.flush();
            return 0;
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
    }

    /**
     * The pipeline stage over the same input: the JPEGs as binaryFile rows (or the shards as Parquet rows)
     * in partitions of --per-partition inputs, features written to Parquet as extract writes them.
     */
    private void timeTransformer(SparkSession spark, String modelFile, String warmInput, String input, Path work,
                                 PrintWriter w) {
        ViLTransformer vil = new ViLTransformer().setModelPath(modelFile).setBatchSize(batchOption.size()).setThreadsPerTask(threadsOption.count())
                .setInputCol(inputFormat.equals("shards") ? "pixels" : "content");
        long t0 = System.nanoTime();
        long rows = transformOnce(spark, vil, warmInput, work.resolve("warm-out").toString());
        w.println(String.format(Locale.ROOT, "warm-up       %d images, %.1f s (model read, JIT)", rows,
                (System.nanoTime() - t0) / 1e9));
        w.flush();
        long t1 = System.nanoTime();
        rows = transformOnce(spark, vil, input, work.resolve("out").toString());
        double seconds = (System.nanoTime() - t1) / 1e9;
        w.println(String.format(Locale.ROOT, "transformed   %d images in %.2f s", rows, seconds));
        w.println(String.format(Locale.ROOT, "images/s: %.2f", rows / seconds));
        w.flush();
    }

    /** One transform written to {@code out}; returns the rows written. */
    private long transformOnce(SparkSession spark, ViLTransformer vil, String input, String out) {
        Dataset<Row> rows;
        long n;
        if (inputFormat.equals("shards")) {
            // as vil extract reads them: each shard file one partition, no shuffle of the pixels
            rows = spark.read().parquet(input + "/train");
            n = rows.count();
        } else {
            // binaryFile packs files into partitions by size: sized so that each holds --per-partition files,
            // as extract's images_per_partition does, without moving the bytes through a shuffle
            Row listing = binaryFiles(spark, input).agg(functions.count("*"), functions.sum("length")).first();
            n = listing.getLong(0);
            long open = spark.sessionState().conf().filesOpenCostInBytes();
            long average = listing.getLong(1) / Math.max(1, n);
            spark.conf().set("spark.sql.files.maxPartitionBytes", perPartition * (average + open) + average / 2);
            rows = binaryFiles(spark, input);
        }
        vil.transform(rows).select(inputFormat.equals("shards") ? "key" : "path", vil.getFeaturesCol())
                .write().mode("overwrite").parquet(out);
        return n;
    }

    private static Dataset<Row> binaryFiles(SparkSession spark, String folder) {
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(folder);
    }

    private static String prepare(SparkSession spark, Path jpegs, Path out, ViLConfig config) throws Exception {
        PrepareJob.run(spark, PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS, Optional.empty(), List.of(
                "prepare.input=" + ConfigUtil.quoteString(jpegs.toString()),
                "prepare.output=" + ConfigUtil.quoteString(out.toString()),
                "prepare.resolution=" + Math.max(config.height(), config.width()), "prepare.patch=" + config.patchSize(),
                "prepare.channels=" + config.channels(),
                "prepare.val_fraction=0", "prepare.progress_seconds=0"))), null);
        return out.toString();
    }
}
