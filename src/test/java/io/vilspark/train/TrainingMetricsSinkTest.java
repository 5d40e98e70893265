package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.VilChildJvm;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vil train} with a metrics sink configured as a cluster configures one ({@code spark.metrics.conf.*}, here
 * Spark's CSV sink): the sink reports the driver's {@code vil.train} source, and its last values are the run's.
 */
@IntegrationTest
class TrainingMetricsSinkTest {
    @TempDir
    static Path dir;

    @Test
    void aConfiguredSinkReportsTheTrainingMetrics() throws Exception {
        SparkSession spark = LocalSpark.session();
        String data = FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), 256);
        Path sink = Files.createDirectories(dir.resolve("metrics"));
        List<String> train = new ArrayList<>(List.of("train", "--data", data, "--out", dir.resolve("run").toString(),
                "--recipe", "demo"));
        FashionMnistShards.SMALL_RECIPE.forEach(set -> train.addAll(List.of("--set", set)));
        List<String> conf = List.of("-Dspark.metrics.conf.driver.sink.csv.class=org.apache.spark.metrics.sink.CsvSink",
                "-Dspark.metrics.conf.driver.sink.csv.directory=" + sink,
                "-Dspark.metrics.conf.driver.sink.csv.period=1", "-Dspark.metrics.conf.driver.sink.csv.unit=seconds");
        Path log = dir.resolve("train.log");
        Process run = VilChildJvm.start(train, conf, log);
        try {
            assertTrue(run.waitFor(8, TimeUnit.MINUTES), "the run ends");
        } finally {
            run.destroyForcibly();
        }
        String printed = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, run.exitValue(), printed);

        // 256 training images, minibatches of 32, averaging every 2 on one worker: 4 rounds per epoch, 2 epochs
        assertEquals(8, (long) last(sink, "rounds"), printed);
        assertEquals(2 * 256, (long) last(sink, "images"));
        double imagesPerSecond = last(sink, "imagesPerSecond");
        assertTrue(imagesPerSecond > 0 && Double.isFinite(imagesPerSecond), "images/s " + imagesPerSecond);
        double loss = last(sink, "loss");
        assertTrue(loss > 0 && loss < 5, "the last round's training loss on 10 classes: " + loss);
        assertTrue(last(sink, "roundSeconds") > 0);
    }

    /** The last value the CSV sink wrote for {@code vil.train.NAME} (a file per metric: t,value lines). */
    private static double last(Path sink, String name) throws Exception {
        Optional<Path> file;
        try (Stream<Path> files = Files.list(sink)) {
            file = files.filter(f -> f.getFileName().toString().endsWith(".driver.vil.train." + name + ".csv")).findFirst();
        }
        assertTrue(file.isPresent(), "no CSV of vil.train." + name + " in " + sink);
        List<String> lines = Files.readAllLines(file.get());
        String[] last = lines.get(lines.size() - 1).split(",");
        return Double.parseDouble(last[1]);
    }
}
