package io.vilspark.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchShardSchema;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.MiniHdfs;
import io.vilspark.testing.PrepareRuns;
import io.vilspark.testing.TestImages;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job reading its images from and writing its shards to a real HDFS (in-process MiniDFSCluster). */
@IntegrationTest
class HdfsPrepareTest {
    @TempDir
    static Path base;
    private static MiniHdfs hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        hdfs = new MiniHdfs(base);
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private static void put(FileSystem fs, String path, byte[] bytes) throws Exception {
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(path))) {
            out.write(bytes);
        }
    }

    @Test
    void preparesFromHdfsToHdfs() throws Exception {
        FileSystem fs = hdfs.fileSystem();
        String root = fs.getUri() + "/raw/pets";
        for (int i = 0; i < 8; i++) {
            put(fs, root + "/" + (i < 5 ? "cat" : "dog") + "/p" + i + ".png",
                    TestImages.encode(TestImages.rgb(40 + i, 36, i), "png"));
        }
        put(fs, root + "/dog/empty.jpg", new byte[0]);
        String out = fs.getUri() + "/datasets/pets";
        PrepareResult r = PrepareRuns.run(root, out, 32, 16, "val_fraction=0.25");
        assertTrue(r.output().startsWith("hdfs://localhost:"), r.output()); // the NameNode listens on 127.0.0.1

        DatasetManifest m = DatasetManifest.read(out, fs.getConf());
        assertEquals(List.of("cat", "dog"), m.classes());
        assertEquals(8L, m.rows().get("train") + m.rows().get("val"));
        assertEquals(1L, m.skipped().get("empty"));
        Dataset<Row> train = LocalSpark.session().read().parquet(out + "/train");
        PatchShardSchema.validate(train.schema(), out + "/train");
        assertEquals(m.rows().get("train"), train.count());
        // no staging folder left beside the dataset
        assertFalse(fs.listStatus(new org.apache.hadoop.fs.Path(fs.getUri() + "/datasets"))[0].getPath().getName()
                .startsWith("."));
        assertEquals(1, fs.listStatus(new org.apache.hadoop.fs.Path(fs.getUri() + "/datasets")).length);
    }
}
