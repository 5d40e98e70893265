package io.vilspark.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * A benchmark's Spark session on a standalone cluster, its driver in this JVM (client mode) and one executor of
 * one core per worker: the executor settings {@code jobs/submit} adds for a job on one-core executors (ND4J on one
 * thread, glibc's malloc returning freed arrays, the vector API for the fused kernels, a young generation of a
 * quarter heap), with the job jar shipped to the executors as {@code spark-submit} ships it.
 */
public final class OneCoreExecutors {
    private OneCoreExecutors() {
    }

    /**
     * @param master         e.g. {@code spark://127.0.0.1:7077}
     * @param jobJar         the job jar ({@code mvn -Pjob-jar -DskipTests package}); the executors run its classes
     * @param workers        executors to take, one core each
     * @param executorMemory heap of each executor, e.g. {@code 4g}
     */
    public static SparkSession start(String appName, String master, Path jobJar, int workers, String executorMemory) {
        if (!Files.isRegularFile(jobJar)) {
            throw new IllegalArgumentException("no job jar at " + jobJar + ": build it with mvn -Pjob-jar -DskipTests "
                    + "package, or name it with --job-jar");
        }
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir",
                System.getProperty("user.home") + "/.javacpp");
        SparkConf conf = new SparkConf(false).setAppName(appName).setMaster(master)
                .set("spark.jars", jobJar.toAbsolutePath().toString())
                .set("spark.submit.deployMode", "client")
                .set("spark.executor.cores", "1")
                .set("spark.cores.max", Integer.toString(workers))
                .set("spark.executor.memory", executorMemory)
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                // glibc's malloc keeps freed arrays for reuse, as jobs/native-env sets it
                .set("spark.executorEnv.MALLOC_MMAP_THRESHOLD_", "33554432")
                .set("spark.executorEnv.MALLOC_TRIM_THRESHOLD_", "17179869184")
                .set("spark.executorEnv.MALLOC_TOP_PAD_", "1073741824")
                .set("spark.executorEnv.MALLOC_ARENA_MAX", "2")
                .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.cachedir=" + cache
                        + " --add-modules=jdk.incubator.vector -XX:G1PeriodicGCInterval=3000"
                        + " -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40 -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 "
                        + youngGeneration(executorMemory))
                .set("spark.locality.wait", "0")
                // every worker's executor up before the first round, so no task waits for a core another holds
                .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s")
                .set("spark.ui.enabled", "false");
        String host = System.getProperty("spark.driver.host");
        if (master.contains("127.0.0.1") || master.contains("localhost")) {
            conf.set("spark.driver.host", host != null ? host : "127.0.0.1");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** A quarter of the heap, at most 512 MiB (as jobs/native-env sizes it). */
    static String youngGeneration(String heap) {
        long mib = org.apache.spark.network.util.JavaUtils.byteStringAsMb(heap);
        return "-Xmn" + Math.max(1, Math.min(512, mib / 4)) + "m";
    }
}
