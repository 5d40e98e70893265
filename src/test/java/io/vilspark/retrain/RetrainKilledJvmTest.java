package io.vilspark.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vilspark.registry.ChampionPointer;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelRegistry;
import io.vilspark.registry.ModelVersion;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.VilChildJvm;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vil retrain} in its own JVM, halted (no clean-up, as kill -9) at each of its steps in turn: after
 * training, during evaluation, during promotion. After each death the registry is consistent (the champion
 * pointer names a complete version, every listed version is complete, no decision recorded), and the same
 * run id then completes, taking over the dead run's lock at once and registering its version only once.
 */
@IntegrationTest
class RetrainKilledJvmTest {
    @TempDir
    Path dir;

    @Test
    void aRetrainKilledAtEachStepLeavesAConsistentRegistryAndTheSameRunIdCompletes() throws Exception {
        SparkSession spark = LocalSpark.session();
        String landing = dir.resolve("landing").toString();
        String holdout = FashionMnistShards.prepare(spark, landing + "/2026-11-01", 256);
        String root = dir.resolve("registry").toString();
        ModelRegistry registry = new ModelRegistry(root, new Configuration());
        assertEquals(RetrainJob.Outcome.PROMOTED, retrainHere(spark, root, landing, holdout, "r1").outcome());
        FashionMnistShards.prepare(spark, landing + "/2026-11-02", 256);

        List<String> args = new ArrayList<>(List.of("retrain", "--registry", root, "--data", landing, "--holdout",
                holdout, "--run-id", "r2", "--epochs", "1", "--margin=-1"));
        FashionMnistShards.SMALL_RECIPE.forEach(set -> args.addAll(List.of("--set", set)));
        for (String step : List.of(RetrainSteps.AFTER_TRAINING, RetrainSteps.DURING_EVALUATION,
                RetrainSteps.DURING_PROMOTION)) {
            Path log = dir.resolve("killed-" + step + ".log");
            Process child = VilChildJvm.start(args, List.of("-D" + RetrainSteps.PROPERTY + "=" + step,
                    "-D" + RetrainSteps.MODE_PROPERTY + "=halt"), log);
            try {
                assertTrue(child.waitFor(8, TimeUnit.MINUTES), "the child ends");
            } finally {
                child.destroyForcibly();
            }
            assertEquals(RetrainSteps.HALT_EXIT, child.exitValue(), "died at " + step + ":\n" + Files.readString(log));
            assertTrue(Files.exists(Path.of(root, RetrainLock.FILE_NAME)), "a killed run leaves its lock behind");

            assertConsistent(registry, "after a kill " + step);
            assertEquals("v0001", registry.champion().orElseThrow().version(), "champion unchanged " + step);
            assertEquals(1, registry.championHistory().size());
            assertFalse(Files.exists(Path.of(root, "decisions", "r2.json")), "no decision recorded " + step);
            assertEquals(step.equals(RetrainSteps.DURING_PROMOTION) ? 2 : 1, registry.versions().size(),
                    "a version is listed only once registered (during promotion) " + step);
        }

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        RetrainJob.Result done = new RetrainJob(spark, new PrintStream(printed, true, StandardCharsets.UTF_8),
                RetrainSteps.hook()).run(settings(root, landing, holdout, "r2"));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("removing the lock of a dead run"), printed.toString());
        assertEquals(RetrainJob.Outcome.PROMOTED, done.outcome(), printed.toString());
        assertEquals("v0002", registry.champion().orElseThrow().version());
        assertEquals(2, registry.versions().size(), "registered once");
        assertEquals(2, registry.championHistory().size());
        assertTrue(Files.exists(Path.of(root, "decisions", "r2.json")));
        assertFalse(Files.exists(Path.of(root, RetrainLock.FILE_NAME)), "lock released");
        assertConsistent(registry, "after the rerun");
    }

    /** The champion pointer names a listed version, and every version folder with a record has a readable model. */
    private static void assertConsistent(ModelRegistry registry, String when) throws Exception {
        List<String> listed = registry.versions().stream().map(ModelVersion::id).toList();
        for (ChampionPointer p : registry.championHistory()) {
            assertTrue(listed.contains(p.version()), when + ": pointer " + p.seq() + " names " + p.version()
                    + ", not a complete version " + listed);
        }
        try (Stream<Path> folders = Files.list(Path.of(registry.root(), "versions"))) {
            for (Path folder : folders.toList()) {
                boolean recorded = Files.exists(folder.resolve(ModelRegistry.VERSION_FILE));
                assertEquals(recorded, listed.contains(folder.getFileName().toString()), when + ": " + folder);
                if (recorded) {
                    ModelFile.read(folder.resolve(ModelRegistry.MODEL_FILE).toString(), false, new Configuration());
                }
            }
        }
    }

    private static RetrainJob.Result retrainHere(SparkSession spark, String root, String landing, String holdout,
                                                 String runId) throws Exception {
        return new RetrainJob(spark, new PrintStream(new ByteArrayOutputStream()), RetrainSteps.hook())
                .run(settings(root, landing, holdout, runId));
    }

    private static RetrainJob.Settings settings(String root, String landing, String holdout, String runId) {
        return new RetrainJob.Settings(root, landing, holdout, "val", runId, "demo",
                new ArrayList<>(FashionMnistShards.SMALL_RECIPE), 1, -1.0, RetrainJob.TrainOn.ALL, Duration.ofHours(1));
    }
}
