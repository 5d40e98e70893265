package io.vilspark.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vil} (io.vilspark.cli.VilCli) in a JVM of its own, on the tests' classpath and embedded Spark, so that a test
 * can kill it by its PID like a crashed machine would: no shutdown hooks, no clean-up.
 */
public final class VilChildJvm {
    private VilChildJvm() {
    }

    /**
     * Starts {@code vil ARGS...} with its output (stdout and stderr) in {@code log}.
     *
     * @param properties extra JVM options, e.g. {@code -Dvil.retrain.crash_at=...}
     */
    public static Process start(List<String> vilArgs, List<String> properties, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        // Spark's module openings and the ND4J natives' cache folder, as the test JVM got them from surefire
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-modules") || arg.startsWith("-Djdk.reflect") || arg.startsWith("-Dorg.bytedeco")) {
                command.add(arg);
            }
        }
        command.add("-Dvil.spark.master=local[2]");
        command.addAll(properties);
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add("io.vilspark.cli.VilCli");
        command.addAll(vilArgs);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** kill -9 PID: the process ends at once, as on a lost machine. */
    public static void killHard(long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -9 " + pid + " failed");
        }
    }
}
