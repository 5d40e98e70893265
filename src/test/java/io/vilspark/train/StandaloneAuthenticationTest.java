package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.SparkCountProbe;
import io.vilspark.testing.StandaloneCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's shared-secret authentication on a real standalone cluster (a Master and a Worker JVM on
 * 127.0.0.1 with {@code spark.authenticate=true} and the secret in their environment, as
 * {@code jobs/local-cluster} starts them when VIL_SPARK_SECRET is set), submissions through
 * {@code jobs/submit} itself: one without VIL_SPARK_SECRET, or with a wrong one, is never registered
 * and never runs; one with the secret runs its job. The secret appears on no command line.
 */
@Tag("cluster")
@IntegrationTest
class StandaloneAuthenticationTest {
    private static final String SECRET_ENV = "_SPARK_AUTH_SECRET"; // where Spark looks for the secret besides its conf
    private static final String SECRET = "s3cret-for-the-test-" + Long.toHexString(System.nanoTime());
    /** How long to wait for a refused driver's reason (Spark's client itself retries registering for a minute). */
    private static final long REFUSED_WATCH_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void onlyApplicationsWithTheSecretRunOnAnAuthenticatingCluster() throws Exception {
        Path sparkHome = sparkHomeFromTestClasspath(dir.resolve("spark-home"));
        Path probeJar = probeJar(dir.resolve("probe.jar"));
        StandaloneCluster.Daemons authenticating = new StandaloneCluster.Daemons(Map.of(SECRET_ENV, SECRET),
                List.of("-Dspark.authenticate=true"));
        try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), sparkHome, authenticating,
                List.of(new StandaloneCluster.Worker(1, "1g", Map.of(), Map.of())))) {
            Process plain = submit(cluster, sparkHome, probeJar, "probe-without-auth", Map.of());
            Process wrong = submit(cluster, sparkHome, probeJar, "probe-wrong-secret",
                    Map.of("VIL_SPARK_SECRET", "not-the-secret"));
            try {
                checkOnlyTheSecretRuns(cluster, sparkHome, probeJar, plain, wrong);
            } finally {
                // the refused drivers keep retrying for ever: stop them and their JVMs
                for (Process refused : List.of(plain, wrong)) {
                    refused.descendants().forEach(ProcessHandle::destroyForcibly);
                    refused.destroyForcibly();
                }
            }
        }
    }

    private void checkOnlyTheSecretRuns(StandaloneCluster cluster, Path sparkHome, Path probeJar, Process plain,
                                        Process wrong) throws Exception {
        Path secretFile = dir.resolve("secret");
        Files.writeString(secretFile, SECRET + "\n");
        Process right = submit(cluster, sparkHome, probeJar, "probe-with-secret",
                Map.of("VIL_SPARK_SECRET_FILE", secretFile.toString()));
        assertSecretNotOnACommandLine();

        assertTrue(right.waitFor(120, TimeUnit.SECONDS), "the application with the secret did not finish:\n"
                + cluster.log("probe-with-secret.err"));
        assertEquals(0, right.exitValue(), cluster.log("probe-with-secret.err"));
        assertTrue(cluster.log("probe-with-secret.out").contains("count: 1000"), cluster.log("probe-with-secret.out"));
        try (var left = Files.list(cluster.logFile("tmp-probe-with-secret"))) {
            assertEquals(List.of(), left.filter(f -> f.getFileName().toString().startsWith("vil-submit-")).toList(),
                    "jobs/submit left its file with the secret behind");
        }

        // each refused driver is turned away in the SASL handshake, with the reason in its own log
        awaitLine(cluster, "probe-without-auth.err", "Expected SaslMessage"); // it does not speak SASL at all
        awaitLine(cluster, "probe-wrong-secret.err", "Mismatched response"); // DIGEST-MD5 with another secret
        String master = cluster.log("master.log");
        assertTrue(master.contains("Registering app probe-with-secret"), master);
        for (String refused : List.of("probe-without-auth", "probe-wrong-secret")) {
            assertFalse(master.contains("Registering app " + refused), refused + " was registered:\n" + master);
            assertFalse(cluster.log(refused + ".out").contains("count:"), refused + " ran its job");
        }
        assertTrue(plain.isAlive() || plain.exitValue() != 0, "an unauthenticated submission must not succeed");
        assertTrue(wrong.isAlive() || wrong.exitValue() != 0, "a submission with a wrong secret must not succeed");
    }

    @Test
    void theLauncherNeverPrintsTheSecret() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home/bin"));
        StandaloneCluster.writeExecutable(home.resolve("spark-submit"), "#!/bin/sh\nexit 0\n");
        Path userProps = dir.resolve("user.conf");
        Files.writeString(userProps, "spark.executor.cores 2\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "jobs/submit", "--dry-run", "--master", "spark://127.0.0.1:7077",
                "--properties-file", userProps.toString(), "train").redirectErrorStream(true);
        pb.environment().put("SPARK_HOME", home.getParent().toString());
        pb.environment().put("VIL_SPARK_SECRET", SECRET);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertFalse(out.contains(SECRET), out);
        // the user's properties file is carried into the private one, not passed beside it
        assertTrue(out.contains("--properties-file PRIVATE-PROPERTIES-FILE-WITH-THE-SECRET"), out);
        assertFalse(out.contains(userProps.toString()), out);
    }

    /** {@code jobs/submit} with the probe jar as the job jar; output in {@code name.out} / {@code name.err}. */
    private static Process submit(StandaloneCluster cluster, Path sparkHome, Path jar, String name,
            Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", "jobs/submit", "--master", cluster.masterUrl(),
                "--class", SparkCountProbe.class.getName(), "--name", name, "--executor-cores", "1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=512m", "--conf", "spark.cores.max=1",
                "count");
        pb.environment().remove("VIL_SPARK_SECRET");
        pb.environment().remove("VIL_SPARK_SECRET_FILE");
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("VIL_JOB_JAR", jar.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // where jobs/submit puts its private properties file: checked empty once the submission ends
        pb.environment().put("TMPDIR", Files.createDirectories(cluster.logFile("tmp-" + name)).toString());
        pb.environment().putAll(env);
        pb.redirectOutput(cluster.logFile(name + ".out").toFile()).redirectError(cluster.logFile(name + ".err").toFile());
        return cluster.track(pb.start());
    }

    /** No process of this user shows the secret in its arguments (jobs/submit passes it in a private file). */
    private static void assertSecretNotOnACommandLine() {
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine().ifPresent(line ->
                assertFalse(line.contains(SECRET), "the secret is on a command line: " + line)));
    }

    private static void awaitLine(StandaloneCluster cluster, String log, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REFUSED_WATCH_SECONDS);
        while (!cluster.log(log).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(log + " never said '" + text + "':\n" + cluster.log(log));
            }
            Thread.sleep(200);
        }
    }

    /**
     * A SPARK_HOME whose jars/ links every jar of the test classpath (Spark's own jars, as a distribution
     * has them) and whose bin/spark-submit starts SparkSubmit from them with Java 17's module openings.
     */
    private static Path sparkHomeFromTestClasspath(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !p.getFileName().toString().startsWith("surefire")) {
                Files.createSymbolicLink(jars.resolve(String.format("%04d-%s", i++, p.getFileName())), p.toAbsolutePath());
            }
        }
        StringBuilder opens = new StringBuilder();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-modules") || arg.startsWith("-Djdk.reflect")) {
                opens.append(' ').append(arg);
            }
        }
        Files.createDirectories(home.resolve("bin"));
        StandaloneCluster.writeExecutable(home.resolve("bin/spark-submit"), "#!/usr/bin/env bash\n"
                + "exec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "'" + opens
                + " -Xmx512m -cp \"$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
        return home;
    }

    /** The probe's class in a jar of its own, the application jar SparkSubmit ships. */
    private static Path probeJar(Path jar) throws IOException {
        String name = SparkCountProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                InputStream in = SparkCountProbe.class.getClassLoader().getResourceAsStream(name)) {
            out.putNextEntry(new JarEntry(name));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
