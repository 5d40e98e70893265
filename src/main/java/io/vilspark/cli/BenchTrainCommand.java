package io.vilspark.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.vilspark.bench.AveragingBenchmark;
import io.vilspark.bench.OneCoreExecutors;
import io.vilspark.bench.RoundTimeline;
import io.vilspark.bench.SyntheticShards;
import io.vilspark.config.BadInputException;
import io.vilspark.config.ModelConfigs;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.SparkSessions;
import io.vilspark.data.read.ModelCompatibility;
import io.vilspark.inference.NativeThreads;
import io.vilspark.model.ConfigSummary;
import io.vilspark.model.ViLConfig;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vil bench-train}: training images per second under DL4J parameter averaging, one row per worker
 * count on the same cores, and the share of the time spent averaging.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Training speed under DL4J parameter averaging (as vil train runs it) for each worker count on the same "
                        + "cores, and the share of the time spent averaging. The model: --config (default: the demo preset).",
                "Each worker count trains a fresh model (same seed, the demo recipe's AdamW and clipping) on the same "
                        + "cached minibatches: --batches per worker of --batch images, averaged every "
                        + "--averaging-frequency minibatches, after --warmup untimed rounds. Without --data it draws "
                        + "images that fit the model first (not timed).",
                "fit %: the share of the wall time the workers spent in forward, backward and update (per round the "
                        + "slowest worker). averaging %: the rest of each round: broadcasting the model, loading it "
                        + "on every worker, sending parameters and Adam state back, summing and dividing them, Spark's "
                        + "scheduling. Below each row, a mean round split by Spark's task metrics: its Spark job and the "
                        + "driver's work between jobs; within the job, a worker task's fit, the rest of its run (loading "
                        + "the state, reading minibatches, copying results), its deserialisation, and the rest (scheduling, "
                        + "sending the task and its result).",
                "Threads per worker (its minibatches split over them, ops single-threaded): the cores divided by the workers (or --threads-per-worker), so that "
                        + "every row uses the same cores.",
                "With --master: the cluster's efficiency. The first row is one process on this machine (one worker, all "
                        + "its cores as threads, minibatches of workers x --batch images); the second row trains the same "
                        + "images on the standalone cluster at --master, one one-core executor per worker, the job jar "
                        + "shipped to them. The last line is 'efficiency: <cluster images/s / one-process images/s>'. "
                        + "Without --data the drawn images are written to this machine's temporary folder: the cluster's "
                        + "workers must run here (jobs/local-cluster), or give --data on a path they all read."})
final class BenchTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption = new ConfigOption("demo");

    @Mixin
    SetOptions setOptions;

    @Option(names = "--data", paramLabel = "ROOT",
            description = "A prepared dataset (vil prepare; any Hadoop path), e.g. Fashion-MNIST shards for the demo "
                    + "model; its train split is read. Default: drawn images that fit the model.")
    String data;

    @Option(names = "--workers", split = ",", paramLabel = "N",
            description = "Worker counts to measure, one row each (default: 1,2).")
    List<Integer> workers = new ArrayList<>(List.of(1, 2));

    @Mixin
    BatchOption batchOption = new BatchOption(32);

    private int batch;

    @Option(names = "--batches", defaultValue = "16", paramLabel = "N",
            description = "Timed minibatches per worker, a multiple of --averaging-frequency (default: ${DEFAULT-VALUE}).")
    int batches;

    @Option(names = "--averaging-frequency", defaultValue = "4", paramLabel = "F",
            description = "Minibatches each worker trains between two averagings (default: ${DEFAULT-VALUE}).")
    int averagingFrequency;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "R", description = "Untimed averaging rounds first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads-per-worker", paramLabel = "T",
            description = "Threads per worker, each computing a part of its minibatches; default: cores / workers, at least 1.")
    Integer threadsPerWorker;

    @Option(names = "--master", paramLabel = "URL",
            description = "A Spark standalone master (e.g. spark://127.0.0.1:7077): compare one process with --workers "
                    + "(one count, default 2) one-core executors there.")
    String master;

    @Option(names = "--job-jar", paramLabel = "JAR",
            description = "With --master: the jar the executors run (mvn -Pjob-jar -DskipTests package; default: the one "
                    + "target/vil-spark-*-job.jar of the working folder).")
    Path jobJar;

    @Option(names = "--executor-memory", defaultValue = "4g", paramLabel = "SIZE",
            description = "With --master: heap of each executor (default: ${DEFAULT-VALUE}).")
    String executorMemory;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Initialisation and data order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        batch = batchOption.size();
        checkOptions();
        ViLConfig model = ModelConfigs.resolve(configOption.model(), setOptions.asWritten());
        SparkSession spark = SparkSessions.getOrCreate("vil bench-train");
        int slots = spark.sparkContext().defaultParallelism();
        int most = workers.stream().mapToInt(Integer::intValue).max().orElseThrow();
        if (most > slots && master == null) {
            throw BadInputException.usage("--workers " + most + " needs " + most + " task slots; this Spark ("
                    + spark.sparkContext().master() + ") has " + slots);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        PrintWriter w = spec.commandLine().getOut();
        w.println("model       " + ConfigSummary.of(model));
        w.println("spark       " + spark.sparkContext().master() + ", " + slots + " task slots, " + cores + " cores");
        w.println(String.format(Locale.ROOT, "plan        %d images per minibatch and worker, averaging every %d minibatches, "
                + "%d timed rounds after %d warm-up round(s)", batch, averagingFrequency, batches / averagingFrequency, warmup));
        w.flush();

        Path drawn = null;
        NativeThreads before = NativeThreads.current();
        try {
            String root = data;
            if (root == null) {
                drawn = Files.createTempDirectory("vil-bench-train");
                root = drawn.resolve("shards").toString();
                draw(spark, root, model, most);
            }
            checkFits(root, model, spark);
            w.println("data        " + (data == null ? "drawn images" : data));
            if (master != null) {
                compareWithCluster(spark, root, model, most, cores, w);
                return 0;
            }
            w.println();
            w.println(HEADER);
            w.flush();
            AveragingBenchmark bench = new AveragingBenchmark(spark, plan(root, model, batch));
            List<AveragingBenchmark.Measurement> rows = new ArrayList<>();
            for (int n : workers) {
                NativeThreads threads = NativeThreads.splitBatches(threadsPerWorker != null ? threadsPerWorker : Math.max(1, cores / n));
                AveragingBenchmark.Measurement m = bench.measure(n);
                rows.add(m);
                printRow(w, m, threads.batchParts());
            }
            if (rows.size() > 1) {
                AveragingBenchmark.Measurement first = rows.get(0);
                AveragingBenchmark.Measurement last = rows.get(rows.size() - 1);
                w.println(String.format(Locale.ROOT, "speed-up: %.2fx (%d workers vs %d)",
                        last.imagesPerSecond() / first.imagesPerSecond(), last.workers(), first.workers()));
            }
            w.flush();
            return 0;
        } finally {
            before.restore();
            if (drawn != null) {
                FileUtils.deleteDirectory(drawn.toFile());
            }
        }
    }

    private static final String HEADER = "workers  threads  rounds  images  seconds  images/s  fit %  averaging %";

    private static void printRow(PrintWriter w, AveragingBenchmark.Measurement m, int threads) {
        w.println(String.format(Locale.ROOT, "%7d  %7d  %6d  %6d  %7.2f  %8.1f  %5.1f  %11.1f", m.workers(), threads,
                m.rounds(), m.images(), m.seconds(), m.imagesPerSecond(), 100 * m.fitShare(), 100 * m.averagingShare()));
        RoundTimeline.Breakdown b = m.breakdown();
        if (b.jobs() > 0) {
            double fit = m.fitSeconds() / m.rounds();
            w.println(String.format(Locale.ROOT, "         a round: %.3f s = Spark job %.3f + driver between jobs %.3f; "
                    + "a worker's task: fit %.3f, rest of its run %.3f, deserialising it %.3f, scheduling and result %.3f",
                    b.inJob() + b.betweenJobs(), b.inJob(), b.betweenJobs(), fit, Math.max(0, b.taskRun() - fit),
                    b.taskStart(), b.taskOther()));
        }
        w.flush();
    }

    /**
     * One process on this machine (one worker on all its cores, minibatches as large as the cluster's step), then
     * the same images on the cluster's one-core executors; the local session is stopped in between, since a JVM
     * holds one Spark context at a time.
     */
    private void compareWithCluster(SparkSession local, String root, ViLConfig model, int workersOnCluster, int cores,
                                    PrintWriter w) throws java.io.IOException {
        int threads = threadsPerWorker != null ? threadsPerWorker : cores;
        w.println("rows        1: this process, 1 worker on " + threads + " threads, minibatches of "
                + workersOnCluster * batch + "; 2: " + workersOnCluster + " one-core executors on " + master
                + ", minibatches of " + batch + " each");
        w.println();
        w.println(HEADER);
        w.flush();
        NativeThreads.splitBatches(threads);
        AveragingBenchmark.Measurement one = new AveragingBenchmark(local, plan(root, model, workersOnCluster * batch))
                .measure(1);
        printRow(w, one, threads);
        local.stop();
        SparkSession cluster = OneCoreExecutors.start("vil bench-train", master, jobJar != null ? jobJar : builtJobJar(),
                workersOnCluster, executorMemory);
        try {
            AveragingBenchmark.Measurement many = new AveragingBenchmark(cluster, plan(root, model, batch))
                    .measure(workersOnCluster);
            printRow(w, many, 1);
            w.println(String.format(Locale.ROOT, "efficiency: %.2f (%d one-core workers on %s vs one process on %d "
                    + "threads)", many.imagesPerSecond() / one.imagesPerSecond(), workersOnCluster, master, threads));
            w.flush();
        } finally {
            cluster.stop();
        }
    }

    /** The job jar {@code mvn -Pjob-jar package} leaves in target/ (the CPU one: no classifier after "job"). */
    private static Path builtJobJar() throws java.io.IOException {
        Path target = Path.of("target");
        List<Path> jars = new ArrayList<>();
        if (Files.isDirectory(target)) {
            try (var listing = Files.newDirectoryStream(target, "vil-spark-*-job.jar")) {
                listing.forEach(jars::add);
            }
        }
        if (jars.size() != 1) {
            throw BadInputException.usage("--master needs the job jar: " + (jars.isEmpty()
                    ? "none in " + target.toAbsolutePath() + " (mvn -Pjob-jar -DskipTests package)"
                    : "several in " + target.toAbsolutePath() + ", name one with --job-jar"));
        }
        return jars.get(0);
    }

    private AveragingBenchmark.Plan plan(String root, ViLConfig model, int batchPerWorker) {
        return new AveragingBenchmark.Plan(root, model, batchPerWorker, averagingFrequency,
                batches / averagingFrequency, warmup, seed);
    }

    private void checkOptions() {
        boolean workersGiven = spec.commandLine().getParseResult().hasMatchedOption("--workers");
        if (master != null && !workersGiven) {
            workers = new ArrayList<>(List.of(2));
        }
        if (master != null && workers.size() != 1) {
            throw new ParameterException(spec.commandLine(), "--master compares one worker count with one process: "
                    + "give --workers N once, got " + workers);
        }
        if (workers.isEmpty() || workers.stream().anyMatch(n -> n < 1)) {
            throw new ParameterException(spec.commandLine(), "--workers must list worker counts of at least 1, got " + workers);
        }
        if (batch < 1 || averagingFrequency < 1 || warmup < 0 || (threadsPerWorker != null && threadsPerWorker < 1)) {
            throw new ParameterException(spec.commandLine(),
                    "--batch, --averaging-frequency and --threads-per-worker must be at least 1, --warmup at least 0");
        }
        if (batches < averagingFrequency || batches % averagingFrequency != 0) {
            throw new ParameterException(spec.commandLine(), "--batches " + batches + " must be a positive multiple of "
                    + "--averaging-frequency " + averagingFrequency + " (whole averaging rounds)");
        }
    }

    /** One round's worth of drawn images for the most workers (later rounds repeat them). */
    private void draw(SparkSession spark, String root, ViLConfig model, int mostWorkers) throws java.io.IOException {
        int side = Math.max(model.height(), model.width());
        int images = mostWorkers * batch * averagingFrequency;
        // with --master one shard: the one-process row reads minibatches of all workers' images from it
        SyntheticShards.write(spark, root, images, model.channels(), side, model.patchSize(),
                master != null ? 1 : mostWorkers, model.numClasses());
    }

    private static void checkFits(String root, ViLConfig model, SparkSession spark) throws java.io.IOException {
        DatasetManifest manifest = DatasetManifest.read(root, spark.sparkContext().hadoopConfiguration());
        List<String> problems = ModelCompatibility.differences(manifest, model);
        if (!problems.isEmpty()) {
            throw new BadInputException(root + " does not fit the model: " + String.join("; ", problems));
        }
    }
}
