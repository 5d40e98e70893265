package io.vilspark.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code SparkSubmit} arguments of {@code vil train} on a {@link StandaloneCluster}: the job jar in client mode on
 * two one-core executors, the small recipe for one epoch of 4 averaging rounds, and the held-out accuracy band such
 * a run reaches. Shared by the cluster tests, so a disturbed run is compared with the same undisturbed one.
 */
public final class ClusterTrainSubmission {
    /** chance is 0.1; on 256 held-out images its standard deviation is 0.019, so 0.175 is 4 sigma above it */
    public static final double MIN_TOP1 = 0.175;

    private ClusterTrainSubmission() {
    }

    /** The job jar named by {@code VIL_TEST_JOB_JAR} ({@code mvn -Pjob-jar -DskipTests package}). */
    public static Path jobJar() {
        return input("VIL_TEST_JOB_JAR", "the job jar: mvn -Pjob-jar -DskipTests package");
    }

    /** The Spark distribution's jars named by {@code VIL_TEST_SPARK_HOME} ({@code jobs/local-cluster spark-home}). */
    public static Path sparkHome() {
        return input("VIL_TEST_SPARK_HOME", "a Spark distribution's jars: jobs/local-cluster spark-home");
    }

    /** A file named by an environment variable; missing under CI is a failure, elsewhere a skip that says why. */
    private static Path input(String variable, String what) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            String message = variable + " is not set: it names " + what;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + " (.ci/run builds it and sets the variable)");
            }
            assumeTrue(false, message + "; build it and set the variable to run this test");
        }
        Path path = Path.of(value).toAbsolutePath();
        assertTrue(Files.exists(path), variable + "=" + value + ": no such file or folder");
        return path;
    }

    /** ND4J unpacks its natives from the job jar once per cache folder: share the tests' folder across runs. */
    public static String javacppCache() {
        return "-Dorg.bytedeco.javacpp.cachedir="
                + System.getProperty("org.bytedeco.javacpp.cachedir", System.getProperty("user.home") + "/.javacpp");
    }

    /** Spark options for two one-core executors of 1 GB on {@code cluster}. */
    public static List<String> sparkOptions(StandaloneCluster cluster, String name) {
        return new ArrayList<>(List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                "--class", "io.vilspark.cli.VilCli", "--name", name,
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.executor.cores=1",
                "--conf", "spark.cores.max=2",
                "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                "--conf", "spark.executor.extraJavaOptions=" + javacppCache() + " --add-modules=jdk.incubator.vector",
                "--conf", "spark.locality.wait=0"));
    }

    /** {@code train ...}: the small recipe on two workers for one epoch. */
    public static List<String> trainArgs(String data, String out) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data, "--out", out, "--recipe", "demo"));
        for (String set : FashionMnistShards.SMALL_RECIPE) {
            args.addAll(List.of("--set", set));
        }
        // one epoch is 8 steps: a higher learning rate (no warm-up) so that the tiny model learns clearly in them
        args.addAll(List.of("--set", "train.workers=2", "--set", "train.epochs=1", "--set", "train.lr=5e-3",
                "--set", "train.warmup_epochs=0"));
        return args;
    }
}
