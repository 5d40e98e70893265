package io.vilspark.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.MiniHdfs;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a file on a real HDFS (in-process MiniDFSCluster): one rename with overwrite. */
@IntegrationTest
class AtomicHadoopWriteHdfsTest {
    private static final int REPLACEMENTS = 200;
    private static final byte[] PRESENT = new byte[0];

    @TempDir
    Path base;

    @Test
    void aReaderNeverFindsTheHdfsFileMissingWhileItIsReplacedManyTimes() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(base)) {
            FileSystem fs = hdfs.fileSystem();
            String target = hdfs.uri("/registry/champion.json");
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(target);
            ReplaceUnderRead.Seen seen = ReplaceUnderRead.run(target, fs.getConf(), REPLACEMENTS,
                    () -> fs.exists(path) ? PRESENT : null);
            assertTrue(seen.looks() > 0, "the reader looked at least once");
            assertEquals(0, seen.missing(), "looks that found no file, of " + seen.looks());
            try (InputStream in = fs.open(path)) {
                assertArrayEquals(ReplaceUnderRead.version(REPLACEMENTS), in.readAllBytes());
            }
            FileStatus[] left = fs.listStatus(path.getParent());
            assertEquals(1, left.length, "no temporary is left: " + Arrays.toString(left));
        }
    }
}
