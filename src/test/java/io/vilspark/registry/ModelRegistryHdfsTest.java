package io.vilspark.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.vilspark.retrain.RetrainLock;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.MiniHdfs;
import io.vilspark.testing.RegistryFixtures;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry and the retrain lock on a real HDFS (in-process MiniDFSCluster). */
@IntegrationTest
class ModelRegistryHdfsTest {
    @TempDir
    Path base;

    @Test
    void versionsPointerLogRollbackConcurrentPromotionsAndTheLockOnHdfs() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(base)) {
            FileSystem fs = hdfs.fileSystem();
            String root = hdfs.uri("/registry/fm");
            ModelRegistry r = new ModelRegistry(root, fs.getConf());
            assertTrue(r.versions().isEmpty());
            assertTrue(r.champion().isEmpty());

            ModelVersion v1 = RegistryFixtures.add(r, null, List.of("p1"), 0.5);
            assertEquals("v0001", v1.id());
            // an unfinished version folder (a run that died before its record): not listed, its id not reused
            fs.mkdirs(new org.apache.hadoop.fs.Path(r.versionFolder("v0002")));
            assertEquals(1, r.versions().size());
            assertEquals("v0003", r.nextVersionId());
            ModelVersion v3 = RegistryFixtures.add(r, "v0001", List.of("p1", "p2"), 0.6);
            ModelVersion v4 = RegistryFixtures.add(r, "v0003", List.of("p1", "p2", "p3"), 0.7);
            assertEquals(List.of("v0001", "v0003", "v0004"), r.versions().stream().map(ModelVersion::id).toList());
            try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(r.modelPath("v0003")))) {
                assertEquals("model v0003", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            assertEquals(List.of("p1", "p2"), r.require("v0003").seen());
            RegistryException missing = assertThrows(RegistryException.class, () -> r.promote("v0002", "x", null));
            assertTrue(missing.getMessage().contains("no version 'v0002'"), missing.getMessage());
            assertThrows(RegistryException.class, () -> r.register(v3, r.modelPath("v0003")), "versions are immutable");

            r.promote("v0001", "first", "run-1");
            r.promote(v3.id(), "better", "run-3");
            r.promote(v4.id(), "better", "run-4");
            assertEquals("v0004", r.champion().orElseThrow().version());
            assertEquals("v0003", r.rollback("bad in production").version());
            assertEquals("v0001", r.rollback("still bad").version(), "a second rollback goes further back");
            RegistryException none = assertThrows(RegistryException.class, () -> r.rollback("again"));
            assertTrue(none.getMessage().contains("no earlier champion"), none.getMessage());
            List<ChampionPointer> log = r.championHistory();
            assertEquals(List.of("v0001", "v0003", "v0004", "v0003", "v0001"), log.stream().map(ChampionPointer::version).toList());
            assertEquals(List.of("promote", "promote", "promote", "rollback", "rollback"),
                    log.stream().map(ChampionPointer::action).toList());

            // writers racing for the next pointer entry: every entry is written by exactly one of them, the
            // others fail with a message and change nothing; the log stays readable and gapless
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<ChampionPointer>> racers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String target = i % 2 == 0 ? "v0003" : "v0004";
                racers.add(pool.submit(() -> new ModelRegistry(root, fs.getConf()).promote(target, "race", null)));
            }
            int won = 0;
            for (Future<ChampionPointer> f : racers) {
                try {
                    f.get();
                    won++;
                } catch (java.util.concurrent.ExecutionException e) {
                    String m = e.getCause().getMessage();
                    assertTrue(m.contains("written by someone else") || m.contains("already the champion"), m);
                }
            }
            pool.shutdown();
            List<ChampionPointer> after = r.championHistory();
            assertEquals(log.size() + won, after.size());
            Set<Long> seqs = new HashSet<>();
            for (int i = 0; i < after.size(); i++) {
                assertEquals(i + 1, after.get(i).seq(), "gapless");
                assertTrue(seqs.add(after.get(i).seq()));
            }
            assertTrue(won >= 1);
            for (var st : fs.listStatus(new org.apache.hadoop.fs.Path(root + "/champion"))) {
                assertFalse(st.getPath().getName().startsWith("._tmp"), "no temporary entries left: " + st.getPath());
            }

            // the retrain lock: exclusive on HDFS, released on close
            try (RetrainLock lock = RetrainLock.acquire(root, fs.getConf(), "a", Duration.ofHours(1), m -> { })) {
                RetrainLock.LockHeldException e = assertThrows(RetrainLock.LockHeldException.class,
                        () -> RetrainLock.acquire(root, fs.getConf(), "b", Duration.ofHours(1), m -> { }));
                assertTrue(e.getMessage().contains("run a of"), e.getMessage());
                lock.renew();
            }
            RetrainLock.acquire(root, fs.getConf(), "b", Duration.ofHours(1), m -> { }).close();
        }
    }
}
