package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.testing.ClusterTrainSubmission;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.StandaloneCluster;
import io.vilspark.train.gpu.GpuExecutorPlugin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job jar on a real Spark standalone cluster, submitted as on a real cluster: a Master and two Workers
 * (one core each) as JVMs on 127.0.0.1 from a Spark distribution's jars, and {@code vil train} submitted
 * with Spark's own {@code SparkSubmit} in client mode. Nothing of the project is on any classpath but the
 * job jar's.
 *
 * <p>Each worker also offers a pretend GPU (jobs/discover-gpus over a stand-in nvidia-smi, one GPU per
 * worker through CUDA_VISIBLE_DEVICES, as conf/cluster/standalone-gpu.conf recommends), so Spark schedules
 * one per executor and {@link GpuExecutorPlugin} sees each executor's GPU; this is the CPU jar, so they train
 * on the CPU.
 *
 * <p>Inputs, set by .ci/run: {@code VIL_TEST_JOB_JAR} (mvn -Pjob-jar -DskipTests package) and
 * {@code VIL_TEST_SPARK_HOME} (jobs/local-cluster spark-home). Without them the test fails under CI and is
 * skipped elsewhere (an IDE), saying what to build.
 */
@Tag("cluster")
@IntegrationTest
class StandaloneClusterTrainTest {
    static final String FAKE_NVIDIA_SMI = """
            #!/bin/sh
            # stand-in for nvidia-smi: two A100s
            case "$*" in
              *compute_cap*) printf '0, NVIDIA A100-SXM4-40GB, 8.0\\n1, NVIDIA A100-SXM4-40GB, 8.0\\n' ;;
              *) printf '0\\n1\\n' ;;
            esac
            """;
    static final long SUBMIT_TIMEOUT_SECONDS = 150;
    /**
     * One epoch (enough for a checkpoint and a model above chance) of
     * ceil(256 images / (2 workers x 16 images x 2 minibatches)) = 4 averaging rounds.
     */
    static final int ROUNDS = 4;

    @TempDir
    Path dir;

    @Test
    void theJobJarSubmittedWithSparkSubmitTrainsOnTwoExecutors() throws Exception {
        Path jobJar = ClusterTrainSubmission.jobJar();
        Path sparkHome = ClusterTrainSubmission.sparkHome();
        // one machine: a local folder is a path every node sees
        String data = FashionMnistShards.prepare(LocalSpark.session(), dir.resolve("fm").toString(), 256);

        Path smi = dir.resolve("nvidia-smi");
        StandaloneCluster.writeExecutable(smi, FAKE_NVIDIA_SMI);
        String discover = Path.of("jobs", "discover-gpus").toAbsolutePath().toString();
        List<StandaloneCluster.Worker> workers = new ArrayList<>();
        for (int gpu = 0; gpu < 2; gpu++) {
            workers.add(new StandaloneCluster.Worker(1, "2g",
                    Map.of("spark.worker.resource.gpu.amount", "1", "spark.worker.resource.gpu.discoveryScript", discover),
                    Map.of("VIL_NVIDIA_SMI", smi.toString(), "CUDA_VISIBLE_DEVICES", String.valueOf(gpu))));
        }
        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), sparkHome, workers)) {
            String out = dir.resolve("run").toString();
            Path events = Files.createDirectories(dir.resolve("events"));
            String javacpp = ClusterTrainSubmission.javacppCache();
            List<String> args = ClusterTrainSubmission.sparkOptions(cluster, "vil train (cluster test)");
            args.addAll(List.of(
                    "--conf", "spark.executor.resource.gpu.amount=1",
                    "--conf", "spark.task.resource.gpu.amount=1",
                    "--conf", "spark.plugins=" + GpuExecutorPlugin.class.getName(),
                    "--conf", "spark.vil.gpu.nvidiaSmi=" + smi,
                    "--conf", "spark.eventLog.enabled=true",
                    "--conf", "spark.eventLog.compress=false",
                    // one plain file (Spark 4 rolls event logs into a folder by default)
                    "--conf", "spark.eventLog.rolling.enabled=false",
                    "--conf", "spark.eventLog.dir=" + events.toUri(),
                    jobJar.toString()));
            args.addAll(ClusterTrainSubmission.trainArgs(data, out));
            long t0 = System.nanoTime();
            Process submit = cluster.submit("submit", args, "2g", List.of(javacpp));
            boolean finished = submit.waitFor(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String report = String.format("spark-submit after %.0f s%n--- stdout%n%s--- stderr (end)%n%s",
                    (System.nanoTime() - t0) / 1e9, cluster.log("submit.out"), tail(cluster.log("submit.err"), 80));
            assertTrue(finished, "did not finish within " + SUBMIT_TIMEOUT_SECONDS + " s\n" + report);
            assertEquals(0, submit.exitValue(), report);

            Matcher accuracy = Pattern.compile("val accuracy: (\\d\\.\\d+) ").matcher(cluster.log("submit.out"));
            assertTrue(accuracy.find(), report);
            double top1 = Double.parseDouble(accuracy.group(1));
            System.out.println("held-out top-1 after the cluster run: " + top1);
            assertTrue(top1 > ClusterTrainSubmission.MIN_TOP1, "above chance (0.1) on held-out Fashion-MNIST: " + top1 + "\n" + report);
            assertTrue(Files.size(Path.of(out, "checkpoints", "epoch-0001.zip")) > 0, report);
            assertTrue(Files.size(Path.of(out, "model.zip")) > 0, report);

            // Spark's own record of the run: every averaging round trained on both executors
            Map<Integer, Set<String>> rounds = trainingExecutorsPerStage(events);
            assertEquals(ROUNDS, rounds.size(), "averaging rounds (training stages) in the event log: " + rounds);
            rounds.forEach((stage, executors) -> assertEquals(Set.of("0", "1"), executors,
                    "executors that trained in stage " + stage));

            // each executor's plugin saw the GPU its worker offered, and said the CPU jar trains on the CPU
            String executorLogs = executorLogs(cluster.workDir());
            for (String gpu : List.of("GPU 0", "GPU 1")) {
                assertTrue(executorLogs.contains("Spark assigned " + gpu + ", but this job jar has ND4J's CPU "
                        + "backend (built without -Pcuda): training runs on the CPU"), gpu + ":\n" + executorLogs);
            }
        }
    }

    /**
     * Training stages (the treeAggregate of one averaging round) and the executors whose tasks in them
     * succeeded, from the Spark event log.
     */
    private static Map<Integer, Set<String>> trainingExecutorsPerStage(Path events) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<Integer> training = new TreeSet<>();
        Map<Integer, Set<String>> executors = new TreeMap<>();
        List<Path> logs;
        try (Stream<Path> files = Files.list(events)) {
            logs = files.toList();
        }
        assertEquals(1, logs.size(), "one application's event log: " + logs);
        for (String line : Files.readAllLines(logs.get(0), StandardCharsets.UTF_8)) {
            JsonNode e = json.readTree(line);
            switch (e.path("Event").asText()) {
                case "SparkListenerStageCompleted" -> {
                    JsonNode stage = e.path("Stage Info");
                    if (stage.path("Stage Name").asText().startsWith("treeAggregate at ParameterAveraging.java")) {
                        training.add(stage.path("Stage ID").asInt());
                    }
                }
                case "SparkListenerTaskEnd" -> {
                    if ("Success".equals(e.path("Task End Reason").path("Reason").asText())) {
                        executors.computeIfAbsent(e.path("Stage ID").asInt(), s -> new TreeSet<>())
                                .add(e.path("Task Info").path("Executor ID").asText());
                    }
                }
                default -> {
                }
            }
        }
        return training.stream().collect(Collectors.toMap(s -> s, s -> executors.getOrDefault(s, Set.of()),
                (a, b) -> a, TreeMap::new));
    }

    private static String executorLogs(Path workDir) throws IOException {
        List<String> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList()) {
                logs.add(f + ":\n" + Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return String.join("\n", logs);
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    }
}
