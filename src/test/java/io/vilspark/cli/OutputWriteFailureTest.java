package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.vilspark.registry.ModelRegistry;
import io.vilspark.testing.CliRun;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.MiniHdfs;
import io.vilspark.testing.RegistryFixtures;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the storage refuses, on a real HDFS: a space quota that runs out in the middle of a training run, and
 * folders owned by another user (HDFS permissions; the tests run as root, which a local chmod would not stop).
 * Each job stops with one line naming the path and why, and what was written before stays intact and usable.
 */
@IntegrationTest
class OutputWriteFailureTest {
    @TempDir
    static java.nio.file.Path base;
    static MiniHdfs hdfs;
    static DistributedFileSystem fs;
    static SparkSession spark;
    static String data;
    /** not the superuser (root, who started the NameNode), in no group: HDFS checks its rights */
    static final UserGroupInformation ALICE = UserGroupInformation.createRemoteUser("alice");

    @BeforeAll
    static void start() throws Exception {
        FashionMnistShards.assumeInstalled();
        hdfs = new MiniHdfs(base);
        fs = (DistributedFileSystem) hdfs.fileSystem();
        spark = LocalSpark.session();
        data = FashionMnistShards.prepare(spark, hdfs.uri("/datasets/fm"), 256);
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Test
    void trainingThatRunsOutOfSpaceStopsClearlyAndResumesOnceThereIsSpace() throws Exception {
        String out = hdfs.uri("/runs/quota");
        Path checkpoints = new Path(out + "/checkpoints");
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.of(train(out).toArray(String[]::new)));
        // epoch 1 complete (its checksum is written last): the quota runs out during epoch 2
        Path epochOneDone = new Path(checkpoints, "epoch-0001.zip.sha256");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!fs.exists(epochOneDone) && !run.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(fs.exists(epochOneDone), run.isDone() ? run.get().toString() : "epoch 1 did not finish");
        fs.setQuota(new Path("/runs/quota"), HdfsConstants.QUOTA_DONT_SET, 1);
        Map<String, String> before = checksums(checkpoints);

        CliRun failed = run.get(3, TimeUnit.MINUTES);
        assertEquals(ExitCodes.IO, failed.exitCode(), failed.toString());
        assertEquals(1, failed.errLines().size(), "one line, no stack trace: " + failed);
        String error = failed.errLines().get(0);
        System.out.println("out of space: " + error);
        assertTrue(error.startsWith("vil train: error: cannot write " + out + "/") && error.contains("no space")
                && error.contains("quota") && error.contains("--resume"), error);
        assertEquals(before, checksums(checkpoints), "epoch 1's checkpoint and checksum intact, nothing else there");
        assertEquals(List.of("epoch-0001.zip", "epoch-0001.zip.sha256"), List.copyOf(before.keySet()),
                "no temporary file left beside the checkpoints");
        assertEquals(sha256(new Path(checkpoints, "epoch-0001.zip")) + "  epoch-0001.zip",
                before.get("epoch-0001.zip.sha256").strip());

        fs.setQuota(new Path("/runs/quota"), HdfsConstants.QUOTA_DONT_SET, HdfsConstants.QUOTA_RESET);
        List<String> resume = train(out);
        resume.add("--resume");
        CliRun resumed = CliRun.of(resume.toArray(String[]::new));
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.out().contains("resuming after epoch 1 (step 8)"), resumed.toString());
        assertEquals(before.get("epoch-0001.zip"), checksums(checkpoints).get("epoch-0001.zip"));
        assertTrue(fs.exists(new Path(checkpoints, "epoch-0002.zip")) && fs.exists(new Path(out + "/model.zip")));
    }

    @Test
    void trainingIntoAnotherUsersFolderStopsBeforeTrainingAndLeavesItsCheckpoints() throws Exception {
        String out = hdfs.uri("/runs/bobs");
        List<String> oneEpoch = train(out);
        oneEpoch.addAll(List.of("--set", "train.epochs=1"));
        CliRun first = CliRun.of(oneEpoch.toArray(String[]::new));
        assertEquals(0, first.exitCode(), first.toString());
        Path checkpoints = new Path(out + "/checkpoints");
        giveToBob(new Path("/runs/bobs"));
        Map<String, String> before = checksums(checkpoints);

        List<String> more = train(out);
        more.add("--resume");
        long t0 = System.nanoTime();
        CliRun denied = asAlice(() -> CliRun.of(more.toArray(String[]::new)));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(ExitCodes.IO, denied.exitCode(), denied.toString());
        assertEquals(List.of("vil train: error: cannot write " + out + "/checkpoints: permission denied (Permission "
                + "denied: user=alice, access=WRITE, inode=\"/runs/bobs/checkpoints\":bob:bob:drwxr-xr-x)"),
                denied.errLines());
        assertFalse(denied.out().contains("epoch 2/2"), "stopped before training: " + denied);
        assertTrue(seconds < 60, "before any training: " + seconds + " s");
        assertEquals(before, checksums(checkpoints));
    }

    @Test
    void prepareIntoAnotherUsersFolderStopsAndLeavesTheShardsThere() throws Exception {
        giveToBob(new Path("/datasets"));
        Map<String, String> before = checksums(new Path("/datasets/fm/train"));
        CliRun denied = asAlice(() -> CliRun.of("prepare", "--input", "/usr/share/datasets/fashion-mnist", "--out",
                hdfs.uri("/datasets/fm-alice"), "--resolution", "28", "--patch", "4", "--limit", "64"));
        assertEquals(ExitCodes.IO, denied.exitCode(), denied.toString());
        assertEquals(1, denied.errLines().size(), denied.toString());
        assertTrue(denied.errLines().get(0).startsWith("vil prepare: error: cannot write " + hdfs.uri("/datasets/fm-alice")
                + ": permission denied (Permission denied: user=alice, access=WRITE"), denied.toString());
        assertEquals(before, checksums(new Path("/datasets/fm/train")), "the shards written before are intact");
        assertEquals(List.of("fm"), names(new Path("/datasets")), "nothing else created there");
    }

    @Test
    void promotingInAnotherUsersRegistryStopsAndTheChampionStays() throws Exception {
        ModelRegistry registry = new ModelRegistry(hdfs.uri("/registry"), fs.getConf());
        RegistryFixtures.add(registry, null, List.of("p1"), 0.5);
        RegistryFixtures.add(registry, "v0001", List.of("p1", "p2"), 0.6);
        registry.promote("v0001", "first", null);
        giveToBob(new Path("/registry"));
        Map<String, String> pointers = checksums(new Path("/registry/champion"));

        CliRun denied = asAlice(() -> CliRun.of("registry", "promote", "--registry", hdfs.uri("/registry"), "v0002"));
        assertEquals(ExitCodes.IO, denied.exitCode(), denied.toString());
        assertEquals(1, denied.errLines().size(), denied.toString());
        assertTrue(denied.errLines().get(0).startsWith("vil registry promote: error: cannot write " + hdfs.uri("/registry")
                + "/champion/pointer-0000000002.json: permission denied"), denied.toString());
        assertEquals("v0001", registry.champion().orElseThrow().version());
        assertEquals(pointers, checksums(new Path("/registry/champion")), "the pointer log as it was");
        assertEquals(2, registry.versions().size());
    }

    private static List<String> train(String out) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data, "--out", out, "--recipe", "demo"));
        FashionMnistShards.SMALL_RECIPE.forEach(set -> args.addAll(List.of("--set", set)));
        return args;
    }

    /** Everything below {@code root} to user bob (folders rwxr-xr-x, files rw-r--r--: others may read). */
    private static void giveToBob(Path root) throws IOException {
        fs.setOwner(root, "bob", "bob");
        if (fs.getFileStatus(root).isDirectory()) {
            for (FileStatus s : fs.listStatus(root)) {
                giveToBob(s.getPath());
            }
        }
    }

    private static CliRun asAlice(PrivilegedExceptionAction<CliRun> action) throws Exception {
        return ALICE.doAs(action);
    }

    /** name -> SHA-256 (file) or the content (a .sha256 sidecar) of each file in a folder, by name. */
    private static Map<String, String> checksums(Path folder) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (FileStatus s : fs.listStatus(folder)) {
            if (s.isFile()) {
                String name = s.getPath().getName();
                out.put(name, name.endsWith(".sha256") ? read(s.getPath()) : sha256(s.getPath()));
            }
        }
        return out;
    }

    private static List<String> names(Path folder) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(folder)) {
            out.add(s.getPath().getName());
        }
        return out;
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String sha256(Path file) throws Exception {
        try (InputStream in = fs.open(file)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readAllBytes()));
        }
    }
}
