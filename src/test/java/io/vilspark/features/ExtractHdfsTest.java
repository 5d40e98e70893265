package io.vilspark.features;

import java.io.File;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vil extract with images, model and output on a real HDFS (in-process MiniDFSCluster), Spark local[2]. */
class ExtractHdfsTest {
    @TempDir
    static Path dir;
    static MiniDFSCluster cluster;
    static ExtractScenario scenario;
    static String hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(dir.toFile(), "hdfs").getAbsolutePath());
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        cluster.waitActive();
        FileSystem fs = cluster.getFileSystem();
        hdfs = fs.getUri() + "/extract";
        scenario = new ExtractScenario(fs, hdfs, dir);
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown(true);
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
