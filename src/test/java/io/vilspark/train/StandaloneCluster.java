package io.vilspark.train;

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
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A real Spark standalone cluster on 127.0.0.1: a Master and one Worker as child JVMs started from the
 * test classpath. The worker builds executor classpaths from {@code SPARK_HOME/jars/*}; here that folder
 * holds links to every jar on the test classpath (Spark, DL4J, ND4J), and the project's own classes
 * reach the executors through {@code spark.executor.extraClassPath} ({@link #classDirectories}).
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final int masterPort;

    /**
     * @param dir          scratch folder: SPARK_HOME, logs, the worker's work dir
     * @param workerCores  cores the worker offers
     * @param workerMemory memory the worker offers, e.g. {@code 6g}
     * @param workerConf   extra worker properties (e.g. its GPU resources)
     * @param workerEnv    extra environment of the worker, which its executors and discovery script inherit
     */
    StandaloneCluster(Path dir, int workerCores, String workerMemory, Map<String, String> workerConf,
                      Map<String, String> workerEnv) throws IOException, InterruptedException {
        this.dir = dir;
        Path sparkHome = sparkHome(dir.resolve("spark-home"));
        masterPort = freePort();
        try {
            Process master = start("master", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(masterPort), "--webui-port", "0"), sparkHome, Map.of());
            awaitPort(master, masterPort);
            Path conf = dir.resolve("worker.conf");
            StringBuilder properties = new StringBuilder();
            workerConf.forEach((k, v) -> properties.append(k).append(' ').append(v).append('\n'));
            Files.writeString(conf, properties.toString());
            Process worker = start("worker", List.of("org.apache.spark.deploy.worker.Worker", masterUrl(),
                    "--host", "127.0.0.1", "--cores", String.valueOf(workerCores), "--memory", workerMemory,
                    "--webui-port", "0", "--work-dir", workDir().toString(), "--properties-file", conf.toString()),
                    sparkHome, workerEnv);
            awaitLog(worker, "worker", "Successfully registered with master");
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /** Where the worker keeps each application's executor folders ({@code APP/EXECUTOR/stderr}). */
    Path workDir() {
        return dir.resolve("work");
    }

    /** The test JVM's classpath: surefire hands it over in a property (its own classpath is a manifest jar). */
    static List<Path> testClasspath() throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> entries = new ArrayList<>();
        for (String e : cp.split(java.io.File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(Path.of(e).toAbsolutePath());
            }
        }
        if (entries.size() == 1 && entries.get(0).toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries.get(0).toFile())) {
                Manifest m = jar.getManifest();
                String manifestCp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                if (manifestCp != null) {
                    entries.clear();
                    for (String url : manifestCp.trim().split("\\s+")) {
                        entries.add(Path.of(java.net.URI.create(url)));
                    }
                }
            }
        }
        return entries;
    }

    /** target/classes and target/test-classes: what the executors need besides SPARK_HOME/jars. */
    static String classDirectories() throws IOException {
        return String.join(java.io.File.pathSeparator, testClasspath().stream().filter(Files::isDirectory)
                .map(Path::toString).toList());
    }

    private static Path sparkHome(Path home) throws IOException {
        Path jars = Files.createDirectories(home.resolve("jars"));
        int n = 0;
        for (Path entry : testClasspath()) {
            if (entry.toString().endsWith(".jar") && Files.isRegularFile(entry)) {
                // numbered: two artifacts may share a file name
                Files.createSymbolicLink(jars.resolve(String.format("%03d-%s", n++, entry.getFileName())), entry);
            }
        }
        return home;
    }

    private Process start(String name, List<String> mainAndArgs, Path sparkHome, Map<String, String> env)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        // the daemons log at info (the project's log4j2.properties on the classpath keeps Spark to warnings)
        command.add("-Dlog4j2.configurationFile=" + daemonLogConfig());
        // Spark on Java 17 needs the module openings the test JVM got from surefire's argLine
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("-Djdk.reflect")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, testClasspath().stream().map(Path::toString).toList()));
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
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

    String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
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
        throw new IllegalStateException("the master did not open port " + port + ":\n" + log("master"));
    }

    private void awaitLog(Process p, String name, String line) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive(p, name);
            if (log(name).contains(line)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the " + name + " did not log '" + line + "':\n" + log(name));
    }

    private void checkAlive(Process p, String name) {
        if (!p.isAlive()) {
            throw new IllegalStateException("the " + name + " exited with code " + p.exitValue() + ":\n" + log(name));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** Worker first (its shutdown hook stops its executors), then the master. */
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

    static void writeExecutable(Path file, String text) {
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
