package io.vilspark.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vilspark.data.DatasetManifest;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelRegistry;
import io.vilspark.registry.ModelVersion;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * vil retrain end to end on growing Fashion-MNIST partitions (real prepare, training, evaluation, local[2]):
 * a first version, a rejected and a promoted challenger, idempotent reruns, nothing to do, two concurrent
 * runs, and a crash injected at each step followed by a resume. The tests share one registry, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@IntegrationTest
class RetrainJobTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static String data;
    static String holdout;
    static String registryRoot;
    static ModelRegistry registry;

    @BeforeAll
    static void setUp() throws Exception {
        FashionMnistShards.assumeInstalled();
        spark = LocalSpark.session();
        data = dir.resolve("landing").toString();
        FashionMnistShards.prepare(spark, data + "/2026-11-01", 256);
        holdout = data + "/2026-11-01";   // its val split (t10k images) is the fixed holdout
        registryRoot = dir.resolve("registry").toString();
        registry = new ModelRegistry(registryRoot, new Configuration());
    }

    @AfterAll
    static void stop() {
        System.clearProperty(RetrainSteps.PROPERTY);
    }

    static RetrainJob.Settings settings(String runId, double margin) {
        List<String> recipe = new ArrayList<>(FashionMnistShards.SMALL_RECIPE);
        return new RetrainJob.Settings(registryRoot, data, holdout, "val", runId, "demo", recipe, 1, margin,
                RetrainJob.TrainOn.ALL, Duration.ofHours(1));
    }

    static RetrainJob.Result retrain(String runId, double margin, ByteArrayOutputStream log) throws IOException {
        return new RetrainJob(spark, new PrintStream(log, true, StandardCharsets.UTF_8), RetrainSteps.hook())
                .run(settings(runId, margin));
    }

    static String champion() throws IOException {
        return registry.champion().orElseThrow().version();
    }

    @Test
    @Order(1)
    void firstVersionThenARejectedAndAPromotedChallenger() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RetrainJob.Result first = retrain("r1", 0.0, log);
        assertEquals(RetrainJob.Outcome.PROMOTED, first.outcome(), log.toString());
        assertEquals("v0001", first.version());
        assertEquals("v0001", champion());

        // the same run id again: nothing is redone
        RetrainJob.Result again = retrain("r1", 0.0, log);
        assertEquals(RetrainJob.Outcome.ALREADY_DONE, again.outcome());
        // no new partition: exit quietly, nothing created
        ByteArrayOutputStream idle = new ByteArrayOutputStream();
        assertEquals(RetrainJob.Outcome.NOTHING_TO_DO, retrain("r-idle", 0.0, idle).outcome());
        assertTrue(idle.toString().contains("nothing to do"), idle.toString());
        assertFalse(Files.exists(Path.of(registryRoot, "runs", "r-idle")));
        assertEquals(1, registry.versions().size());

        // new data lands; a margin of 50 points cannot be met: recorded, not promoted
        FashionMnistShards.prepare(spark, data + "/2026-11-02", 512);
        RetrainJob.Result rejected = retrain("r2", 0.5, log);
        assertEquals(RetrainJob.Outcome.REJECTED, rejected.outcome());
        assertEquals("v0001", champion(), "a rejected challenger leaves the champion");
        ModelVersion v2 = registry.require("v0002");
        assertEquals("v0001", v2.parent());
        assertEquals(List.of("2026-11-02"), v2.newPartitions());
        assertEquals(List.of("2026-11-01", "2026-11-02"), v2.trainedOn().stream().map(ModelVersion.Partition::name).toList());
        assertEquals("reject", v2.evaluation().get("verdict"));
        double challengerTop1 = top1(v2.evaluation().get("challenger"));
        double championTop1 = top1(v2.evaluation().get("champion"));
        assertTrue(challengerTop1 < championTop1 + 0.5);
        assertTrue(championTop1 > 0.15, "the champion learnt something: " + championTop1);
        assertEquals(512L, v2.trainedOn().get(1).trainRows());
        DatasetManifest union = DatasetManifest.read(registryRoot + "/runs/r2/data", new Configuration());
        assertEquals(256L + 512L, union.rows().get("train"), "old + new partitions, read as one dataset");
        assertTrue(Files.exists(Path.of(registryRoot, "versions", "v0002", "model.zip")));
        // the challenger started from the champion's parameters (fine-tuning), with the champion's normalisation
        ModelFile.Loaded challenger = ModelFile.read(registry.modelPath("v0002"), false, new Configuration());
        ModelFile.Loaded parent = ModelFile.read(registry.modelPath("v0001"), false, new Configuration());
        assertEquals(parent.metadata().mean(), challenger.metadata().mean());
        assertEquals(registry.modelPath("v0001"), challenger.metadata().provenance().get("initial_model"));

        // the champion still has not seen 2026-11-02: the next run retrains it; a lenient margin promotes.
        // Meanwhile a second invocation finds the lock and does nothing.
        ByteArrayOutputStream log3 = new ByteArrayOutputStream();
        CompletableFuture<RetrainJob.Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return retrain("r3", -1.0, log3);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Path lock = Path.of(registryRoot, RetrainLock.FILE_NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(lock) && !running.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(lock), "the running retrain holds the lock");
        RetrainLock.LockHeldException held = assertThrows(RetrainLock.LockHeldException.class,
                () -> retrain("r3-second", -1.0, new ByteArrayOutputStream()));
        assertTrue(held.getMessage().contains("another retrain holds") && held.getMessage().contains("r3"),
                held.getMessage());
        RetrainJob.Result promoted = running.get(10, TimeUnit.MINUTES);
        assertFalse(Files.exists(Path.of(registryRoot, "runs", "r3-second")), "the second invocation did nothing");
        assertFalse(Files.exists(lock), "the lock is released");

        assertEquals(RetrainJob.Outcome.PROMOTED, promoted.outcome(), log3.toString());
        assertEquals("v0003", champion());
        ModelVersion v3 = registry.require("v0003");
        assertEquals("v0001", v3.parent());
        assertEquals(List.of("2026-11-01", "2026-11-02"), v3.seen());
        assertEquals("promote", v3.evaluation().get("verdict"));
        assertEquals(3, registry.versions().size());
        assertEquals(2, registry.championHistory().size());
        for (String run : List.of("r1", "r2", "r3")) {
            assertTrue(Files.exists(Path.of(registryRoot, "decisions", run + ".json")), run);
        }
    }

    @Test
    @Order(2)
    void aCrashAtEachStepLeavesTheChampionAndTheSameRunIdResumes() throws Exception {
        FashionMnistShards.prepare(spark, data + "/2026-11-03", 320);
        List<ModelVersion> before = registry.versions();
        String step = null;
        try {
            for (String crashAt : List.of(RetrainSteps.AFTER_TRAINING, RetrainSteps.DURING_EVALUATION,
                    RetrainSteps.DURING_PROMOTION)) {
                step = crashAt;
                System.setProperty(RetrainSteps.PROPERTY, crashAt);
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                RetrainSteps.InjectedCrash crash = assertThrows(RetrainSteps.InjectedCrash.class,
                        () -> retrain("r4", -1.0, log));
                assertTrue(crash.getMessage().contains(crashAt));
                assertEquals("v0003", champion(), "champion untouched after a crash " + crashAt);
                assertEquals(2, registry.championHistory().size());
                assertFalse(Files.exists(Path.of(registryRoot, "decisions", "r4.json")));
                assertFalse(Files.exists(Path.of(registryRoot, RetrainLock.FILE_NAME)), "lock released");
                if (!crashAt.equals(RetrainSteps.AFTER_TRAINING)) {
                    assertTrue(log.toString().contains("resuming run r4") && log.toString().contains("already trained"),
                            "the resumed run does not train again: " + log);
                }
                if (crashAt.equals(RetrainSteps.DURING_PROMOTION)) {
                    assertEquals(before.size() + 1, registry.versions().size(), "registered, not promoted");
                    assertEquals("promote", registry.require("v0004").evaluation().get("verdict"));
                } else {
                    assertEquals(before.size(), registry.versions().size(), "no version listed before its record");
                }
            }
        } finally {
            System.clearProperty(RetrainSteps.PROPERTY);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RetrainJob.Result done = retrain("r4", -1.0, log);
        assertEquals(RetrainJob.Outcome.PROMOTED, done.outcome(), log.toString());
        assertEquals("v0004", champion());
        assertEquals(before.size() + 1, registry.versions().size(), "the resumed run did not register twice");
        assertEquals(List.of("2026-11-03"), registry.require("v0004").newPartitions());
        Map<String, Object> decision = done.decision();
        assertEquals("v0003", decision.get("champion_before"));
        assertEquals("v0004", decision.get("champion_after"));
    }

    @Test
    @Order(3)
    void aStaleLockIsTakenOverAFreshOneRefuses() throws Exception {
        Path lock = Path.of(registryRoot, RetrainLock.FILE_NAME);
        Files.writeString(lock, "{\"owner\":\"1@dead\",\"run_id\":\"old\",\"acquired_at\":\"2020-01-01T00:00:00Z\","
                + "\"expires_at\":\"2020-01-01T01:00:00Z\"}");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        assertEquals(RetrainJob.Outcome.NOTHING_TO_DO, retrain("r5", 0, log).outcome());
        assertTrue(log.toString().contains("removing a stale lock"), log.toString());
        assertFalse(Files.exists(lock));

        Files.writeString(lock, "{\"owner\":\"2@alive\",\"run_id\":\"busy\",\"acquired_at\":\"2026-01-01T00:00:00Z\","
                + "\"expires_at\":\"2999-01-01T00:00:00Z\"}");
        RetrainLock.LockHeldException e = assertThrows(RetrainLock.LockHeldException.class,
                () -> retrain("r6", 0, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("run busy of 2@alive"), e.getMessage());
        assertTrue(Files.exists(lock), "someone else's lock is left alone");
        Files.delete(lock);
    }

    @Test
    @Order(4)
    void anotherRunIdAfterACrashStartsCleanAndTheCrashedRunCannotPromoteLater() throws Exception {
        FashionMnistShards.prepare(spark, data + "/2026-11-04", 288);
        String championBefore = champion();
        System.setProperty(RetrainSteps.PROPERTY, RetrainSteps.DURING_EVALUATION);
        try {
            assertThrows(RetrainSteps.InjectedCrash.class, () -> retrain("r7", -1.0, new ByteArrayOutputStream()));
        } finally {
            System.clearProperty(RetrainSteps.PROPERTY);
        }
        assertEquals(championBefore, champion());
        int versions = registry.versions().size();

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RetrainJob.Result clean = retrain("r8", -1.0, log);
        assertTrue(log.toString().contains("run r7 did not finish"), log.toString());
        assertEquals(RetrainJob.Outcome.PROMOTED, clean.outcome());
        assertEquals(List.of("2026-11-04"), registry.require(clean.version()).newPartitions());
        assertEquals(versions + 1, registry.versions().size(), "the crashed run's folder is not a version");
        assertFalse(registry.version("v0005").isPresent(), "r7's reserved id is not reused or listed");
        assertEquals("v0006", clean.version());

        // the crashed run, rerun later, was planned against an old champion: it refuses and changes nothing
        IOException stale = assertThrows(IOException.class, () -> retrain("r7", -1.0, new ByteArrayOutputStream()));
        assertTrue(stale.getMessage().contains("planned against champion " + championBefore), stale.getMessage());
        assertEquals("v0006", champion());

        // a partition re-prepared under a seen name is not new data: nothing to do, with a warning
        String changed = data + "/2026-11-04";
        DatasetManifest m = DatasetManifest.read(changed, new Configuration());
        java.util.Map<String, Long> rows = new java.util.LinkedHashMap<>(m.rows());
        rows.put("train", 999L);
        new DatasetManifest(m.formatVersion(), m.classes(), m.height(), m.width(), m.patch(), m.channels(), m.mean(),
                m.std(), rows, m.skipped(), m.skippedExamples(), m.source()).write(changed, new Configuration());
        ByteArrayOutputStream idle = new ByteArrayOutputStream();
        assertEquals(RetrainJob.Outcome.NOTHING_TO_DO, retrain("r9", -1.0, idle).outcome());
        assertTrue(idle.toString().contains("warning: partition 2026-11-04 changed since champion v0006")
                && idle.toString().contains("288 -> 999"), idle.toString());
    }

    private static double top1(Object numbers) {
        assertTrue(numbers instanceof Map, String.valueOf(numbers));
        return ((Number) ((Map<?, ?>) numbers).get("top1")).doubleValue();
    }
}
