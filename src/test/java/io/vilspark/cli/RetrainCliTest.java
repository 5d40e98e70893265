package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.CliRun;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.LocalSpark;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * vil retrain as a new user runs it: only the required options (the demo recipe, one fine-tune epoch), and a
 * mistaken holdout that stops the run before it writes anything. One registry, in order.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainCliTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path landing;
    static Path registry;

    @BeforeAll
    static void prepareAPartition() throws Exception {
        FashionMnistShards.assumeInstalled();
        spark = LocalSpark.session();
        landing = dir.resolve("landing");
        FashionMnistShards.prepare(spark, landing.resolve("2026-11-01").toString(), 256);
        registry = dir.resolve("registry");
    }

    @Test
    @Order(1)
    void aHoldoutPointingNowhereStopsBeforeThePlanAndUsesNoVersionId() throws Exception {
        String nowhere = dir.resolve("holdot").toString();
        CliRun run = CliRun.of("retrain", "--registry", registry.toString(), "--data", landing.toString(),
                "--holdout", nowhere);
        assertEquals(ExitCodes.DATA, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().size(), run::toString);
        assertTrue(run.err().startsWith("vil retrain: error: ") && run.err().contains(nowhere), run::toString);
        assertFalse(Files.exists(registry.resolve("versions")), "no version folder reserved");
        if (Files.exists(registry.resolve("runs"))) {
            try (var runs = Files.walk(registry.resolve("runs"))) {
                assertEquals(0, runs.filter(p -> p.getFileName().toString().equals("plan.json")).count(), "no plan");
            }
        }
    }

    @Test
    @Order(2)
    void onlyTheRequiredOptionsTrainAFirstVersion() {
        CliRun run = CliRun.of("retrain", "--registry", registry.toString(), "--data", landing.toString(),
                "--holdout", landing.resolve("2026-11-01").toString());
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().contains("train: train.warmup_epochs = 1 is not shorter than the run (train.epochs = 1): "
                + "the warm-up is clipped to end one step before the run does"), run::toString);
        assertTrue(run.out().contains("retrain: outcome promoted (run "), run::toString);
        assertTrue(run.out().contains("version v0001"), "the failed run used up no version id\n" + run);
    }
}
