package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vilspark.testing.ClusterTrainSubmission;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.StandaloneCluster;
import io.vilspark.testing.VilChildJvm;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vil bench-train --master}: one process on two threads against two one-core executors of a real standalone
 * cluster (the job jar shipped to them), the same images in both rows, and the efficiency their images/s give.
 * Inputs as for {@link StandaloneClusterTrainTest}: {@code VIL_TEST_JOB_JAR} and {@code VIL_TEST_SPARK_HOME}.
 */
@Tag("cluster")
@IntegrationTest
class BenchTrainOnClusterTest {
    static final Pattern ROW = Pattern.compile(
            " *(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+\\.\\d+) +(\\d+\\.\\d) +(\\d+\\.\\d) +(\\d+\\.\\d)");
    static final Pattern ROUND = Pattern.compile(" +a round: (\\d+\\.\\d+) s = Spark job (\\d+\\.\\d+) \\+ driver between "
            + "jobs (\\d+\\.\\d+); a worker's task: fit (\\d+\\.\\d+), .*");
    static final Pattern EFFICIENCY = Pattern.compile("efficiency: (\\d+\\.\\d\\d) \\(2 one-core workers on (\\S+) vs "
            + "one process on 2 threads\\)");

    @TempDir
    Path dir;

    @Test
    void comparesOneProcessWithTwoOneCoreExecutorsOnTheSameImages() throws Exception {
        Path jobJar = ClusterTrainSubmission.jobJar();
        Path sparkHome = ClusterTrainSubmission.sparkHome();
        List<StandaloneCluster.Worker> workers = List.of(new StandaloneCluster.Worker(1, "2g", java.util.Map.of(),
                java.util.Map.of()), new StandaloneCluster.Worker(1, "2g", java.util.Map.of(), java.util.Map.of()));
        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), sparkHome, workers)) {
            Path log = dir.resolve("bench.log");
            Process bench = VilChildJvm.start(List.of("bench-train", "--config", "demo", "--set", "dim=8",
                    "--set", "depth=1", "--set", "input_shape=[1,8,8]", "--set", "patch_size=2", "--set", "num_classes=3",
                    "--batch", "4", "--batches", "2", "--averaging-frequency", "1", "--warmup", "1",
                    "--master", cluster.masterUrl(), "--job-jar", jobJar.toString(), "--executor-memory", "1g"),
                    List.of(ClusterTrainSubmission.javacppCache()), log);
            boolean finished = bench.waitFor(300, TimeUnit.SECONDS);
            if (!finished) {
                bench.destroyForcibly();
            }
            String out = Files.readString(log);
            assertTrue(finished, "did not finish:\n" + out);
            assertEquals(0, bench.exitValue(), out);

            // the child's log holds its stderr too (Spark's warnings): the table's lines are found by their shape
            List<String> lines = out.lines().toList();
            int header = lines.indexOf("workers  threads  rounds  images  seconds  images/s  fit %  averaging %");
            assertTrue(header >= 0, out);
            List<Matcher> rows = lines.subList(header + 1, lines.size()).stream().map(ROW::matcher)
                    .filter(Matcher::matches).toList();
            assertEquals(2, rows.size(), out);
            Matcher one = rows.get(0);
            Matcher two = rows.get(1);
            assertEquals(List.of("1", "2", "2", "16"), List.of(one.group(1), one.group(2), one.group(3), one.group(4)),
                    "one process: 1 worker on both cores, 2 rounds of one minibatch of 2 x 4 images");
            assertEquals(List.of("2", "1", "2", "16"), List.of(two.group(1), two.group(2), two.group(3), two.group(4)),
                    "the cluster: 2 one-core workers, 2 rounds of one minibatch of 4 images each");
            // under each row, a mean round from Spark's task metrics: its parts add up to the row's seconds per round
            List<Matcher> rounds = lines.stream().map(ROUND::matcher).filter(Matcher::matches).toList();
            assertEquals(2, rounds.size(), out);
            for (int i = 0; i < 2; i++) {
                Matcher round = rounds.get(i);
                double perRound = Double.parseDouble(rows.get(i).group(5)) / 2;
                assertEquals(perRound, Double.parseDouble(round.group(1)), 0.004 + perRound * 0.01, out);
                assertEquals(Double.parseDouble(round.group(1)),
                        Double.parseDouble(round.group(2)) + Double.parseDouble(round.group(3)), 0.0015, out);
                assertTrue(Double.parseDouble(round.group(2)) >= Double.parseDouble(round.group(4)) - 0.001,
                        "a round's Spark job holds its workers' fitting: " + round.group());
            }
            Matcher efficiency = EFFICIENCY.matcher(out);
            assertTrue(efficiency.find(), out);
            assertEquals(cluster.masterUrl(), efficiency.group(2));
            double ratio = Double.parseDouble(two.group(6)) / Double.parseDouble(one.group(6));
            assertEquals(ratio, Double.parseDouble(efficiency.group(1)), 0.01 + ratio * 0.02,
                    "efficiency = cluster images/s / one-process images/s");
            // the cluster row really ran on the cluster: its executors' logs, one per worker
            try (var logs = Files.walk(cluster.workDir())) {
                assertEquals(2, logs.filter(p -> p.getFileName().toString().equals("stderr")).count(),
                        "one executor on each worker");
            }
        }
    }
}
