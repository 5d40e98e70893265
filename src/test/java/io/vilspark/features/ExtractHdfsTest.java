package io.vilspark.features;

import java.nio.file.Path;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.MiniHdfs;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vil extract with images, model and output on a real HDFS (in-process MiniDFSCluster), Spark local[2]. */
@IntegrationTest
class ExtractHdfsTest {
    @TempDir
    static Path dir;
    static MiniHdfs cluster;
    static ExtractScenario scenario;
    static String hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        cluster = new MiniHdfs(dir);
        FileSystem fs = cluster.fileSystem();
        hdfs = cluster.uri("/extract");
        scenario = new ExtractScenario(fs, hdfs, dir);
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void featuresEqualPredictAndBadImagesAreCounted() throws Exception {
        scenario.featuresEqualPredictAndBadImagesAreCounted(hdfs + "/features");
    }

    @Test
    void crashThenRerunGivesOneRowPerInput() throws Exception {
        scenario.crashThenRerunGivesOneRowPerInput(hdfs + "/crash");
    }
}
