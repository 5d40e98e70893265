package io.vilspark.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1: a Master and Workers as child JVMs, run, as in a Spark
 * distribution, from {@code SPARK_HOME/jars} (Spark's own jars only, {@code jobs/local-cluster spark-home}),
 * and {@code org.apache.spark.deploy.SparkSubmit} to submit job jars to it. Nothing of the project is
 * on these classpaths: the job jar brings it.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * One Worker daemon.
     *
     * @param cores  cores it offers
     * @param memory memory it offers, e.g. {@code 2g}
     * @param conf   extra worker properties (e.g. its GPU resources)
     * @param env    extra environment, which its executors and discovery script inherit
     */
    public record Worker(int cores, String memory, Map<String, String> conf, Map<String, String> env) {
    }

    /**
     * What the Master and every Worker get besides their own settings, e.g. {@code spark.authenticate}
     * as a JVM option and its secret in the environment (never on a command line).
     */
    public record Daemons(Map<String, String> env, List<String> jvmOptions) {
        static final Daemons PLAIN = new Daemons(Map.of(), List.of());
    }

    private final Path dir;
    private final Path sparkHome;
    private final Daemons daemons;
    private final List<Process> processes = new ArrayList<>();
    private final int masterPort;

    /** @param dir scratch folder: logs, the workers' work dirs */
    public StandaloneCluster(Path dir, Path sparkHome, List<Worker> workers) throws IOException, InterruptedException {
        this(dir, sparkHome, Daemons.PLAIN, workers);
    }

    public StandaloneCluster(Path dir, Path sparkHome, Daemons daemons, List<Worker> workers)
            throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        this.sparkHome = sparkHome;
        this.daemons = daemons;
        masterPort = freePort();
        try {
            Process master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(masterPort), "--webui-port", "0"), Map.of(), "-Xmx256m");
            awaitPort(master, masterPort);
            List<Process> started = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                Worker w = workers.get(i);
                Path conf = dir.resolve("worker-" + i + ".conf");
                StringBuilder properties = new StringBuilder();
                w.conf().forEach((k, v) -> properties.append(k).append(' ').append(v).append('\n'));
                Files.writeString(conf, properties.toString());
                started.add(start("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker", masterUrl(),
                        "--host", "127.0.0.1", "--cores", String.valueOf(w.cores()), "--memory", w.memory(),
                        "--webui-port", "0", "--work-dir", workDir().resolve("worker-" + i).toString(),
                        "--properties-file", conf.toString()), w.env(), "-Xmx256m"));
            }
            for (int i = 0; i < started.size(); i++) {
                awaitLog(started.get(i), "worker-" + i, "Successfully registered with master");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Where the workers keep each application's executor folders ({@code worker-N/APP/EXECUTOR/stderr}). */
    public Path workDir() {
        return dir.resolve("work");
    }

    /**
     * Starts {@code SparkSubmit} with {@code args} (options, the job jar, its arguments) in a JVM of its own, as
     * {@code bin/spark-submit} would: client mode, so that JVM is the driver. Output goes to {@code name.out}
     * and {@code name.err} in the scratch folder.
     */
    public Process submit(String name, List<String> args, String driverMemory, List<String> jvmOptions) throws IOException {
        return submit(name, args, driverMemory, jvmOptions, Map.of());
    }

    /** As {@link #submit(String, List, String, List)}, with extra environment for the driver. */
    public Process submit(String name, List<String> args, String driverMemory, List<String> jvmOptions, Map<String, String> env)
            throws IOException {
        List<String> mainAndArgs = new ArrayList<>();
        mainAndArgs.add("org.apache.spark.deploy.SparkSubmit");
        mainAndArgs.addAll(args);
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Xmx" + driverMemory);
        return launch(name, mainAndArgs, env, options, false);
    }

    private Process start(String name, List<String> mainAndArgs, Map<String, String> env, String heap) throws IOException {
        // the daemons log at info, so that the tests can wait for their lines
        List<String> options = new ArrayList<>(List.of(heap, "-Dlog4j2.configurationFile=" + daemonLogConfig()));
        options.addAll(daemons.jvmOptions());
        Map<String, String> allEnv = new java.util.HashMap<>(daemons.env());
        allEnv.putAll(env);
        return launch(name, mainAndArgs, allEnv, options, true);
    }

    private Process launch(String name, List<String> mainAndArgs, Map<String, String> env, List<String> jvmOptions,
                           boolean mergeErr) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // Spark on Java 17 needs the module openings the test JVM got from surefire's argLine (spark-class adds them)
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-modules") || arg.startsWith("-Djdk.reflect")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(sparkHome.resolve("jars") + File.separator + "*"); // java expands the wildcard itself
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command);
        if (mergeErr) {
            pb.redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
        } else {
            pb.redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        }
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Path daemonLogConfig() throws IOException {
        Path file = dir.resolve("log4j2-daemons.properties");
        if (!Files.exists(file)) {
            Files.writeString(file, String.join("\n", "rootLogger.level = info",
                    "rootLogger.appenderRef.stdout.ref = console", "appender.console.type = Console",
                    "appender.console.name = console", "appender.console.layout.type = PatternLayout",
                    "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n", ""));
        }
        return file;
    }

    /** The executor JVMs (CoarseGrainedExecutorBackend) the workers of this cluster started, with their command lines. */
    public List<ProcessHandle> executors() {
        return processes.stream().flatMap(Process::descendants)
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
    }

    /** A file in the scratch folder, where {@link #log(String)} reads. */
    public Path logFile(String name) {
        return dir.resolve(name);
    }

    /** A process started elsewhere (e.g. a launcher script) that {@link #close()} stops with the cluster's own. */
    public Process track(Process p) {
        processes.add(p);
        return p;
    }

    /** What a process wrote to {@code name.log} (daemons) or {@code name.out}/{@code name.err} (submissions). */
    public String log(String name) {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitPort(Process p, int port) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive(p, "master");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the master did not open port " + port + ":\n" + log("master.log"));
    }

    private void awaitLog(Process p, String name, String line) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive(p, name);
            if (log(name + ".log").contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the " + name + " did not log '" + line + "':\n" + log(name + ".log"));
    }

    private void checkAlive(Process p, String name) {
        if (!p.isAlive()) {
            throw new IllegalStateException("the " + name + " exited with code " + p.exitValue() + ":\n"
                    + log(name + ".log"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Newest first: submissions, then workers (their shutdown hooks stop their executors), then the master. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }

    public static void writeExecutable(Path file, String text) {
        try {
            Files.writeString(file, text);
            if (!file.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + file + " executable");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
