package io.vilspark.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS in this JVM (hadoop-client-minicluster): a NameNode and one DataNode on 127.0.0.1. */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;

    /** @param base folder for the NameNode's and DataNode's storage */
    public MiniHdfs(Path base) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(base.toFile(), "hdfs").getAbsolutePath());
        // loopback only, any free port
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        cluster.waitActive();
    }

    public FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    /** {@code hdfs://localhost:PORT/path}: a full URI, so Spark and Hadoop reach it without extra configuration. */
    public String uri(String path) throws IOException {
        return fileSystem().getUri() + (path.startsWith("/") ? path : "/" + path);
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
