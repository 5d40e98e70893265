package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jobs/submit (in --dry-run: the spark-submit command it would run), jobs/discover-gpus and jobs/openblas-coretype. */
class ClusterLaunchersTest {
    static final Path JOBS = Path.of("jobs").toAbsolutePath();

    @TempDir
    Path dir;

    record Run(int code, String out) {
    }

    private Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, JOBS.resolve(cmd.get(0)).toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("SPARK_HOME");
        pb.environment().remove("VIL_SUBMIT_OPTS");
        pb.environment().remove("CUDA_VISIBLE_DEVICES");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private Path sparkHome(String defaults) throws IOException {
        Path home = dir.resolve("spark");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("conf"));
        Path submit = home.resolve("bin/spark-submit");
        Files.writeString(submit, "#!/bin/sh\nexit 0\n");
        assertTrue(submit.toFile().setExecutable(true));
        Files.writeString(home.resolve("conf/spark-defaults.conf"), defaults);
        return home;
    }

    @Test
    void submitExplainsItself() throws Exception {
        Run help = run(Map.of(), "submit", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("usage: jobs/submit [SPARK-SUBMIT OPTIONS]"), help.out());
        Run none = run(Map.of(), "submit", "--master", "yarn");
        assertEquals(2, none.code());
        assertEquals("jobs/submit: missing the vil subcommand (jobs/submit --help)\n", none.out());
    }

    @Test
    void submitAddsTheJobJarAndExecutorDefaults() throws Exception {
        Path home = sparkHome("spark.executor.cores   3\nspark.executor.extraJavaOptions=-XX:+UseG1GC\n");
        Run r = run(Map.of("SPARK_HOME", home.toString()), "submit", "--dry-run", "--master", "spark://127.0.0.1:7077",
                "train", "--data", "hdfs:///fm", "--out", "hdfs:///runs/1");
        assertEquals(0, r.code(), r.out());
        String cmd = r.out().trim();
        assertTrue(cmd.startsWith(home.resolve("bin/spark-submit") + " --master spark://127.0.0.1:7077 "), cmd);
        assertTrue(cmd.contains(" --class io.vilspark.cli.VilCli "), cmd);
        assertTrue(cmd.contains(" --conf spark.executorEnv.OMP_NUM_THREADS=3 "), "from spark-defaults.conf: " + cmd);
        for (String malloc : List.of("MALLOC_MMAP_THRESHOLD_=33554432", "MALLOC_TRIM_THRESHOLD_=17179869184",
                "MALLOC_TOP_PAD_=1073741824", "MALLOC_ARENA_MAX=2")) {
            assertTrue(cmd.contains(" --conf spark.executorEnv." + malloc + " "), malloc + ": " + cmd);
        }
        assertTrue(cmd.contains(" --conf spark.executor.extraJavaOptions=-XX:+UseG1GC\\ "
                + "-Dorg.bytedeco.javacpp.cachedir=/tmp/vil-javacpp\\ --add-modules=jdk.incubator.vector\\ -XX:G1PeriodicGCInterval=3000\\ -XX:MinHeapFreeRatio=15\\ -XX:MaxHeapFreeRatio=40\\ -Dorg.bytedeco.javacpp.maxPhysicalBytes=0\\ -Xmn256m "),
                "appended to the cluster's options, young generation a quarter of Spark's default 1g: " + cmd);
        assertTrue(cmd.contains(" --conf spark.driver.extraJavaOptions=-Dorg.bytedeco.javacpp.cachedir=/tmp/vil-javacpp"
                + "\\ --add-modules=jdk.incubator.vector\\ -XX:G1PeriodicGCInterval=3000\\ -XX:MinHeapFreeRatio=15\\ -XX:MaxHeapFreeRatio=40\\ -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 "), cmd);
        assertTrue(cmd.matches(".* \\S*/target/vil-spark-[^ ]+-job\\.jar train --data hdfs:///fm --out hdfs:///runs/1$"), cmd);
    }

    @Test
    void submitKeepsWhatTheUserSet() throws Exception {
        Path home = sparkHome("");
        Run r = run(Map.of("SPARK_HOME", home.toString(), "VIL_SUBMIT_OPTS", "--master yarn",
                        "VIL_JAVACPP_CACHE", "/data/javacpp"), "submit", "--dry-run", "--cuda", "--executor-cores", "4",
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=2", "--conf", "spark.executorEnv.MALLOC_MMAP_THRESHOLD_=1048576", "--conf",
                "spark.driver.extraJavaOptions=-Dorg.bytedeco.javacpp.cachedir=/x --add-modules=jdk.incubator.vector -XX:G1PeriodicGCInterval=9000 -XX:MaxHeapFreeRatio=50 -Dorg.bytedeco.javacpp.maxphysicalbytes=32g",
                "--", "prepare", "--input", "in");
        assertEquals(0, r.code(), r.out());
        String cmd = r.out().trim();
        assertTrue(cmd.contains(" --master yarn --executor-cores 4 "), cmd);
        assertFalse(cmd.contains("OMP_NUM_THREADS=4"), cmd);
        assertFalse(cmd.contains("MALLOC_MMAP_THRESHOLD_=33554432"), cmd);
        assertTrue(cmd.contains(" --conf spark.executorEnv.MALLOC_ARENA_MAX=2 "), "the settings the user left: " + cmd);
        assertTrue(cmd.contains(" --conf spark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.cachedir=/data/javacpp"
                + "\\ --add-modules=jdk.incubator.vector\\ -XX:G1PeriodicGCInterval=3000\\ -XX:MinHeapFreeRatio=15\\ -XX:MaxHeapFreeRatio=40\\ -Dorg.bytedeco.javacpp.maxPhysicalBytes=0\\ -Xmn256m "), cmd);
        // the user's driver options have all five already: only theirs are passed
        assertEquals(1, cmd.split("spark.driver.extraJavaOptions=", -1).length - 1, cmd);
        assertTrue(cmd.contains(" --name vil\\ prepare "), cmd);
        assertTrue(cmd.matches(".*-job-cuda\\.jar prepare --input in$"), cmd);
    }

    @Test
    void discoverGpusReportsNvidiaSmiIndicesThatCudaCanSee() throws Exception {
        Path smi = dir.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\nprintf '0\\n1\\n2\\n3\\n'\n");
        assertTrue(smi.toFile().setExecutable(true));
        Run all = run(Map.of("VIL_NVIDIA_SMI", smi.toString()), "discover-gpus");
        assertEquals(0, all.code(), all.out());
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\", \"2\", \"3\"]}\n", all.out());
        Run visible = run(Map.of("VIL_NVIDIA_SMI", smi.toString(), "CUDA_VISIBLE_DEVICES", "3,1"), "discover-gpus");
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"1\", \"3\"]}\n", visible.out());
        Run missing = run(Map.of("VIL_NVIDIA_SMI", dir.resolve("none").toString()), "discover-gpus");
        assertEquals(1, missing.code());
        assertTrue(missing.out().startsWith("discover-gpus: '" + dir.resolve("none") + " --query-gpu=index' failed"),
                missing.out());
    }

    /** The OpenBLAS kernels follow the CPU's flags: AVX-512 (all five subsets), else AVX2 with FMA, else none forced. */
    @Test
    void openblasCoretypeFollowsTheInstructionSet() throws Exception {
        String[][] cases = {
            {"fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl", "SkylakeX\n"},
            {"fpu sse sse2 avx avx2 fma avx512f", "Haswell\n"},      // AVX-512 foundation alone: not SkylakeX's set
            {"fpu sse sse2 avx avx2", ""},                           // no FMA: OpenBLAS's own choice
            {"fpu sse sse2 sse4_2", ""},
        };
        for (String[] c : cases) {
            Path cpuinfo = dir.resolve("cpuinfo");
            Files.writeString(cpuinfo, "processor\t: 0\nflags\t\t: " + c[0] + "\nbugs\t\t: avx2 fma\n");
            Run r = run(Map.of(), "openblas-coretype", cpuinfo.toString());
            assertEquals(0, r.code(), r.out());
            assertEquals(c[1], r.out(), c[0]);
        }
        Run missing = run(Map.of(), "openblas-coretype", dir.resolve("missing").toString());
        assertEquals(0, missing.code(), missing.out());
        assertEquals("", missing.out());
        // no flags line (e.g. an ARM host's cpuinfo): nothing forced, and no failure that would stop jobs/vil
        Path arm = dir.resolve("cpuinfo-arm");
        Files.writeString(arm, "processor\t: 0\nFeatures\t: fp asimd evtstrm\n");
        Run noFlags = run(Map.of(), "openblas-coretype", arm.toString());
        assertEquals(0, noFlags.code(), noFlags.out());
        assertEquals("", noFlags.out());
    }
    /** The executors' young generation follows their heap up to 512 MiB, unless the user sized it. */
    @Test
    void submitSizesTheExecutorsYoungGenerationFromTheirMemory() throws Exception {
        Path home = sparkHome("spark.executor.memory 1536m\n");
        String fromDefaults = run(Map.of("SPARK_HOME", home.toString()), "submit", "--dry-run", "train").out();
        assertTrue(fromDefaults.contains("--add-modules=jdk.incubator.vector\\ -XX:G1PeriodicGCInterval=3000\\ -XX:MinHeapFreeRatio=15\\ -XX:MaxHeapFreeRatio=40\\ -Dorg.bytedeco.javacpp.maxPhysicalBytes=0\\ -Xmn384m "), fromDefaults);
        String fromOption = run(Map.of("SPARK_HOME", home.toString()), "submit", "--dry-run", "--executor-memory", "6G",
                "train").out();
        assertTrue(fromOption.contains("--add-modules=jdk.incubator.vector\\ -XX:G1PeriodicGCInterval=3000\\ -XX:MinHeapFreeRatio=15\\ -XX:MaxHeapFreeRatio=40\\ -Dorg.bytedeco.javacpp.maxPhysicalBytes=0\\ -Xmn512m "), fromOption);
        String own = run(Map.of("SPARK_HOME", home.toString()), "submit", "--dry-run", "--executor-memory", "6g", "--conf",
                "spark.executor.extraJavaOptions=-XX:NewSize=900m", "train").out();
        assertFalse(own.contains("-Xmn"), own);
    }

    /**
     * jobs/vil's JVM: an 8 GB heap unless JAVA_OPTS sets one, a young generation of a quarter of it (at most
     * 512 MiB), and a periodic concurrent GC unless JAVA_OPTS sets its interval.
     */
    @Test
    void vilSizesTheHeapAndItsYoungGeneration() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
        assertTrue(java.toFile().setExecutable(true));
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", bin + ":" + System.getenv("PATH"),
                "VIL_CLASSPATH", "/nowhere", "JAVA_OPTS", ""));
        String plain = run(env, "vil", "--help").out();
        assertTrue(plain.startsWith("-Xmx8g -Xmn512m -XX:G1PeriodicGCInterval=3000 -XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=40 -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 "), plain);
        env.put("JAVA_OPTS", "-Xmx12g -Dx=1 -Xmx1g");
        String ownHeap = run(env, "vil", "--help").out();
        assertTrue(ownHeap.startsWith("-Xmx12g -Dx=1 -Xmx1g -Xmn256m "), "the JVM takes the last -Xmx: " + ownHeap);
        env.put("JAVA_OPTS", "-Xmx2g -Xmn100m");
        String ownYoung = run(env, "vil", "--help").out();
        assertTrue(ownYoung.startsWith("-Xmx2g -Xmn100m -") && !ownYoung.contains("-Xmn512m"), ownYoung);
        env.put("JAVA_OPTS", "-XX:G1PeriodicGCInterval=0");
        String ownGc = run(env, "vil", "--help").out();
        assertEquals(1, ownGc.split("G1PeriodicGCInterval", -1).length - 1, "the user's periodic GC setting only: " + ownGc);
        env.put("JAVA_OPTS", "-XX:MaxHeapFreeRatio=90");
        String ownRatio = run(env, "vil", "--help").out();
        assertTrue(ownRatio.contains("-XX:MaxHeapFreeRatio=90") && !ownRatio.contains("HeapFreeRatio=15")
                && !ownRatio.contains("HeapFreeRatio=40"), "the user's heap ratio only: " + ownRatio);
    }

    /** jobs/native-env (sourced by jobs/vil and jobs/local-cluster) sets glibc's malloc to keep freed memory unless the user did. */
    @Test
    void nativeEnvironmentSetsTheMallocSettingsUnlessSet() throws Exception {
        String print = "source " + JOBS.resolve("native-env")
                + "; echo \"$MALLOC_MMAP_THRESHOLD_ $MALLOC_TRIM_THRESHOLD_ $MALLOC_TOP_PAD_ $MALLOC_ARENA_MAX\"";
        ProcessBuilder fresh = new ProcessBuilder("bash", "-c", print).redirectErrorStream(true);
        List.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX")
                .forEach(fresh.environment()::remove);
        assertEquals("33554432 17179869184 1073741824 2\n", output(fresh));
        ProcessBuilder own = new ProcessBuilder("bash", "-c", print).redirectErrorStream(true);
        own.environment().put("MALLOC_MMAP_THRESHOLD_", "131072");
        own.environment().put("MALLOC_TRIM_THRESHOLD_", "1");
        own.environment().put("MALLOC_TOP_PAD_", "2");
        own.environment().put("MALLOC_ARENA_MAX", "8");
        assertEquals("131072 1 2 8\n", output(own));
        for (String launcher : List.of("vil", "local-cluster")) {
            assertTrue(Files.readString(JOBS.resolve(launcher)).contains("source \"$root/jobs/native-env\""), launcher);
        }
    }

    private static String output(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
