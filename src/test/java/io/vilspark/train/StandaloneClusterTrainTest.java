package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.vilspark.config.JobConfig;
import io.vilspark.data.prepare.PrepareJob;
import io.vilspark.data.prepare.PrepareSettings;
import io.vilspark.train.gpu.GpuExecutorPlugin;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vil train on a real Spark standalone cluster: a Master and a Worker (2 cores) as separate JVMs on
 * 127.0.0.1, two executors of one core, the driver in this JVM. The worker also offers two pretend GPUs
 * (jobs/discover-gpus over a stand-in nvidia-smi), so Spark schedules one per executor and
 * {@link GpuExecutorPlugin} sees each executor's GPU; this is the CPU jar, so they train on the CPU.
 */
@Tag("cluster")
class StandaloneClusterTrainTest {
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    static final String FAKE_NVIDIA_SMI = """
            #!/bin/sh
            # stand-in for nvidia-smi: two A100s
            case "$*" in
              *compute_cap*) printf '0, NVIDIA A100-SXM4-40GB, 8.0\\n1, NVIDIA A100-SXM4-40GB, 8.0\\n' ;;
              *) printf '0\\n1\\n' ;;
            esac
            """;

    @TempDir
    Path dir;

    @Test
    void twoExecutorsTrainOnAStandaloneCluster() throws Exception {
        assumeTrue(Files.isDirectory(FASHION_MNIST), "needs the Debian package dataset-fashion-mnist (.ci/run installs it)");
        // one SparkContext per JVM: the local sessions of other test classes make way
        SparkSession.getDefaultSession().foreach(s -> { s.stop(); return null; });
        SparkSession.clearDefaultSession();
        SparkSession.clearActiveSession();

        Path smi = dir.resolve("nvidia-smi");
        StandaloneCluster.writeExecutable(smi, FAKE_NVIDIA_SMI);
        Path discover = Path.of("jobs", "discover-gpus").toAbsolutePath();
        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), 2, "6g",
                Map.of("spark.worker.resource.gpu.amount", "2",
                        "spark.worker.resource.gpu.discoveryScript", discover.toString()),
                Map.of("VIL_NVIDIA_SMI", smi.toString()))) {
            SparkSession spark = session(cluster, smi);
            try {
                awaitExecutors(spark, 2);
                String data = dir.resolve("fm").toString();
                PrepareJob.run(spark, PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS, Optional.empty(),
                        List.of("prepare.input=\"" + FASHION_MNIST + "\"", "prepare.output=\"" + data + "\"",
                                "prepare.resolution=28", "prepare.patch=4", "prepare.limit=256",
                                "prepare.progress_seconds=0"))), null);

                Set<String> trainingExecutors = new ConcurrentSkipListSet<>();
                SparkListener tasks = new SparkListener() {
                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd end) {
                        trainingExecutors.add(end.taskInfo().executorId());
                    }
                };
                spark.sparkContext().addSparkListener(tasks);
                String out = dir.resolve("run").toString();
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                TrainJob.Result result = new TrainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8))
                        .run(new TrainJob.Settings(data, out, "demo", List.of("model.dim=16", "model.depth=1",
                                "train.epochs=2", "train.global_batch=32", "train.workers=2",
                                "train.averaging_frequency=2", "train.warmup_epochs=0.5"), false));
                spark.sparkContext().removeSparkListener(tasks);

                assertEquals(Set.of("0", "1"), trainingExecutors, "both executors ran tasks:\n" + log);
                assertEquals(2, result.epochs().size());
                double top1 = result.last().valTop1();
                assertTrue(top1 > 0.2, "above chance (0.1) on held-out Fashion-MNIST: " + top1 + "\n" + log);
                assertTrue(Files.size(Path.of(out, "model.zip")) > 0);
                assertTrue(Files.exists(Path.of(out, "checkpoints", "epoch-0002.zip")));

                // each executor's plugin saw the GPU Spark gave it, and said the CPU jar trains on the CPU
                String executorLogs = executorLogs(cluster.workDir());
                for (String gpu : List.of("GPU 0", "GPU 1")) {
                    assertTrue(executorLogs.contains("Spark assigned " + gpu + ", but this job jar has ND4J's CPU "
                            + "backend (built without -Pcuda): training runs on the CPU"), gpu + ":\n" + executorLogs);
                }
            } finally {
                spark.stop();
                SparkSession.clearDefaultSession();
                SparkSession.clearActiveSession();
            }
        }
    }

    private static SparkSession session(StandaloneCluster cluster, Path smi) throws IOException {
        return SparkSession.builder().master(cluster.masterUrl()).appName("vil standalone cluster test")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.cores", "1")
                .config("spark.cores.max", "2")
                .config("spark.executor.memory", "2g")
                .config("spark.executor.extraClassPath", StandaloneCluster.classDirectories())
                // ND4J's natives are already unpacked there for the tests (surefire's argLine)
                .config("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.cachedir="
                        + System.getProperty("org.bytedeco.javacpp.cachedir", System.getProperty("user.home") + "/.javacpp"))
                .config("spark.executorEnv.OMP_NUM_THREADS", "1")
                .config("spark.executor.resource.gpu.amount", "1")
                .config("spark.task.resource.gpu.amount", "1")
                .config("spark.plugins", GpuExecutorPlugin.class.getName())
                .config("spark.vil.gpu.nvidiaSmi", smi.toString())
                .config("spark.locality.wait", "0")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    private static void awaitExecutors(SparkSession spark, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (System.nanoTime() < deadline) {
            SparkExecutorInfo[] infos = spark.sparkContext().statusTracker().getExecutorInfos();
            if (infos.length >= count + 1) { // the driver is listed too
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("fewer than " + count + " executors registered");
    }

    private static String executorLogs(Path workDir) throws IOException {
        List<String> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).collect(Collectors.toCollection(TreeSet::new))) {
                logs.add(f + ":\n" + Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return String.join("\n", logs);
    }
}
