package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.vilspark.testing.ClusterTrainSubmission;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.StandaloneCluster;
import io.vilspark.testing.VilChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor JVM killed with kill -9 in the middle of an epoch on the real standalone cluster of
 * {@link StandaloneClusterTrainTest}: Spark reschedules the lost task (task retries, {@code spark.task.maxFailures}
 * = 4 by default), the averaging round completes with the recomputed partition, and the run finishes with a
 * held-out accuracy in the band of the undisturbed run.
 */
@Tag("cluster")
@IntegrationTest
class ExecutorKilledClusterTest {
    static final long SUBMIT_TIMEOUT_SECONDS = 240;
    /** Averaging rounds are Spark jobs named after their call site; the driver's scheduler logs each at info */
    static final Pattern ROUND = Pattern.compile("Got job \\d+ \\(treeAggregate at ParameterAveraging.java");

    @TempDir
    Path dir;

    @Test
    void anExecutorKilledMidEpochIsReplacedAndTheRunFinishesInTheUsualAccuracyBand() throws Exception {
        Path jobJar = ClusterTrainSubmission.jobJar();
        Path sparkHome = ClusterTrainSubmission.sparkHome();
        String data = FashionMnistShards.prepare(LocalSpark.session(), dir.resolve("fm").toString(), 256);
        List<StandaloneCluster.Worker> workers = List.of(new StandaloneCluster.Worker(1, "2g", Map.of(), Map.of()),
                new StandaloneCluster.Worker(1, "2g", Map.of(), Map.of()));
        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), sparkHome, workers)) {
            String out = dir.resolve("run").toString();
            Path events = Files.createDirectories(dir.resolve("events"));
            List<String> args = ClusterTrainSubmission.sparkOptions(cluster, "vil train (executor kill test)");
            args.addAll(List.of("--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.compress=false",
                    // one plain file (Spark 4 rolls event logs into a folder by default)
                    "--conf", "spark.eventLog.rolling.enabled=false", "--conf", "spark.eventLog.dir=" + events.toUri(), jobJar.toString()));
            args.addAll(ClusterTrainSubmission.trainArgs(data, out));
            Process submit = cluster.submit("submit", args, "2g",
                    List.of(ClusterTrainSubmission.javacppCache(), "-Dlog4j2.configurationFile=" + schedulerLogConfig()));

            // mid-epoch: the second of the epoch's 4 averaging rounds has its tasks running
            Matcher started = awaitSecondRoundTask(cluster, submit);
            String executorId = started.group(1);
            ProcessHandle executor = cluster.executors().stream()
                    .filter(p -> p.info().commandLine().orElse("").contains("--executor-id " + executorId + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("no JVM of executor " + executorId));
            VilChildJvm.killHard(executor.pid());

            boolean finished = submit.waitFor(SUBMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            String report = String.format("--- stdout%n%s--- stderr%n%s", cluster.log("submit.out"),
                    cluster.log("submit.err"));
            assertTrue(finished, "did not finish within " + SUBMIT_TIMEOUT_SECONDS + " s\n" + report);
            assertEquals(0, submit.exitValue(), report);
            assertFalse(executor.isAlive());

            String eventLog = eventLog(events);
            assertTrue(eventLog.contains("\"Reason\":\"ExecutorLostFailure\""),
                    "a task was running on the killed executor and was lost:\n" + report);
            Matcher accuracy = Pattern.compile("val accuracy: (\\d\\.\\d+) ").matcher(cluster.log("submit.out"));
            assertTrue(accuracy.find(), report);
            double top1 = Double.parseDouble(accuracy.group(1));
            System.out.println("held-out top-1 after a run that lost an executor: " + top1);
            assertTrue(top1 > ClusterTrainSubmission.MIN_TOP1, "in the undisturbed run's band: " + top1 + "\n" + report);
            assertTrue(Files.size(Path.of(out, "model.zip")) > 0, report);
        }
    }

    /** Waits for the first task of the second averaging round to start; group 1 is its executor's id. */
    private static Matcher awaitSecondRoundTask(StandaloneCluster cluster, Process submit) throws InterruptedException {
        // Spark 3.5 logs "(HOST, executor N, partition ...", Spark 4 "(HOST,executor N, partition ..."
        Pattern task = Pattern.compile("Starting task \\S+ in stage \\S+ \\(TID \\d+\\) \\([^,]+, ?executor (\\d+),");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SUBMIT_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline && submit.isAlive()) {
            String log = cluster.log("submit.err");
            Matcher round = ROUND.matcher(log);
            if (round.find() && round.find()) {
                Matcher m = task.matcher(log);
                if (m.find(round.end())) {
                    return m;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no second averaging round started:\n" + cluster.log("submit.err"));
    }

    /** The driver's log4j configuration: the job jar's quiet one, plus the scheduler's job and task lines. */
    private Path schedulerLogConfig() throws java.io.IOException {
        Path file = dir.resolve("log4j2-driver.properties");
        Files.writeString(file, String.join("\n", "rootLogger.level = warn", "rootLogger.appenderRef.stderr.ref = stderr",
                "appender.stderr.type = Console", "appender.stderr.name = stderr", "appender.stderr.target = SYSTEM_ERR",
                "appender.stderr.layout.type = PatternLayout", "appender.stderr.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n",
                "logger.dag.name = org.apache.spark.scheduler.DAGScheduler", "logger.dag.level = info",
                "logger.tasks.name = org.apache.spark.scheduler.TaskSetManager", "logger.tasks.level = info", ""));
        return file;
    }

    private static String eventLog(Path events) throws java.io.IOException {
        try (Stream<Path> files = Files.list(events)) {
            List<Path> logs = files.toList();
            assertEquals(1, logs.size(), "one application's event log: " + logs);
            return Files.readString(logs.get(0), StandardCharsets.UTF_8);
        }
    }
}
