package io.vilspark.train.gpu;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of GPU training: before ND4J loads, check that the GPUs Spark assigned can run the
 * ND4J backend in the job jar, then bind ND4J to them, fall back to the CPU when configured, or refuse
 * with {@link CudaCapabilityCheck}'s message. Decided once per JVM (per set of GPUs), bound per task
 * thread, because CUDA's current device belongs to a thread and Spark reuses pooled task threads.
 *
 * <p>Two ways in, both cheap on CPU executors (no CUDA backend: nothing to check):
 * <ul>
 *   <li>{@link GpuExecutorPlugin} ({@code spark.plugins}): runs when the executor starts, before any task
 *       can load ND4J, and binds each task's thread;</li>
 *   <li>{@link #ensure()}: one line at the start of a task's partition function (or
 *       {@link EnsureBeforePartition#on} around an RDD); it throws the refusal, so the job fails with the
 *       message on the driver.</li>
 * </ul>
 */
public final class ExecutorSetup {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorSetup.class);
    static final String CPU_PRIORITY = "BACKEND_PRIORITY_CPU";
    static final String GPU_PRIORITY = "BACKEND_PRIORITY_GPU";
    /** ND4J's own default for the CUDA backend's priority (the CPU backend's is 0). */
    static final int DEFAULT_GPU_PRIORITY = 100;

    private static final ExecutorSetup THIS_JVM = new ExecutorSetup(Nd4jBackends.onClasspath(), System.getenv(),
            GpuSettings::query, new Nd4jCudaBinding(), JavaEnvironment::put);

    /**
     * What the executor does with a set of GPUs.
     *
     * @param kind     GPU, CPU or refuse
     * @param message  the line logged (and thrown on refusal); empty when there is nothing to say
     * @param ordinals nvidia-smi index to CUDA ordinal, for the GPUs ND4J uses
     */
    record Outcome(GpuDecision.Kind kind, String message, Map<Integer, Integer> ordinals) {
        static Outcome cpu(String message) {
            return new Outcome(GpuDecision.Kind.USE_CPU, message, Map.of());
        }

        static Outcome refuse(String message) {
            return new Outcome(GpuDecision.Kind.REFUSE, message, Map.of());
        }
    }

    private final Nd4jBackends backends;
    private final Map<String, String> env;
    private final Function<GpuSettings, Supplier<NvidiaSmiReport>> query;
    private final DeviceBinding binding;
    private final BiConsumer<String, String> setJavaEnv;

    private final Map<List<Integer>, Outcome> outcomes = new HashMap<>();
    /** The backend ND4J was set up for in this JVM: USE_GPU or USE_CPU once decided, else null. */
    private GpuDecision.Kind backend;

    ExecutorSetup(Nd4jBackends backends, Map<String, String> env, Function<GpuSettings, Supplier<NvidiaSmiReport>> query,
                  DeviceBinding binding, BiConsumer<String, String> setJavaEnv) {
        this.backends = backends;
        this.env = Map.copyOf(env);
        this.query = query;
        this.binding = binding;
        this.setJavaEnv = setJavaEnv;
    }

    /**
     * Call first thing in every executor task that uses ND4J (e.g. at the start of the reader's partition
     * function): checks and binds the GPUs Spark assigned the task.
     *
     * @throws UnsupportedGpuException the GPU cannot run the job jar's ND4J backend and no CPU fallback applies
     */
    public static void ensure() {
        THIS_JVM.forTask(SparkAssignedGpus.ofCurrentTask(), GpuSettings.ofThisJvm());
    }

    static ExecutorSetup thisJvm() {
        return THIS_JVM;
    }

    /** Checks and binds for a task that Spark gave {@code gpus} (nvidia-smi indices; empty: none scheduled). */
    void forTask(List<Integer> gpus, GpuSettings settings) {
        Outcome outcome = prepare(gpus, settings);
        if (outcome.kind() == GpuDecision.Kind.REFUSE) {
            throw new UnsupportedGpuException(outcome.message());
        }
        if (outcome.kind() == GpuDecision.Kind.USE_GPU && !gpus.isEmpty()) {
            binding.bindCurrentThread(outcome.ordinals().get(gpus.get(0)));
        }
    }

    /** Decides for {@code gpus} once, sets ND4J up the first time, and logs the decision once. */
    synchronized Outcome prepare(List<Integer> gpus, GpuSettings settings) {
        Outcome known = outcomes.get(gpus);
        if (known != null) {
            return known;
        }
        Outcome outcome = apply(decide(gpus, settings));
        outcomes.put(List.copyOf(gpus), outcome);
        log(outcome);
        return outcome;
    }

    private Outcome decide(List<Integer> gpus, GpuSettings settings) {
        if (!backends.cuda()) {
            return Outcome.cpu(gpus.isEmpty() ? "" : "Spark assigned " + describe(gpus) + ", but this job jar has "
                    + "ND4J's CPU backend (built without -Pcuda): training runs on the CPU");
        }
        NvidiaSmiReport report = query.apply(settings).get();
        GpuDecision decision = settings.check().decide(report, gpus);
        switch (decision.kind()) {
            case USE_GPU:
                return onGpus(decision, report);
            case USE_CPU:
                if (!backends.cpu()) {
                    String refusal = new CudaCapabilityCheck(false, GpuSettings.FALLBACK_SETTING).decide(report, gpus).message();
                    return Outcome.refuse(refusal + " (" + GpuSettings.FALLBACK_SETTING + " is set, but this job jar has"
                            + " no CPU backend to fall back to: build it with -Pjob-jar,cuda,cpu-fallback)");
                }
                return Outcome.cpu(decision.message());
            default:
                return Outcome.refuse(decision.message());
        }
    }

    private Outcome onGpus(GpuDecision decision, NvidiaSmiReport report) {
        int listed = NvidiaSmiCsv.parse(report.text()).size();
        Map<Integer, Integer> ordinals = new LinkedHashMap<>();
        try {
            for (GpuDevice d : decision.devices()) {
                ordinals.put(d.index(), CudaOrdinals.of(d.index(), listed, env));
            }
        } catch (IllegalStateException e) {
            return Outcome.refuse("cannot bind ND4J to the GPU Spark assigned: " + e.getMessage());
        }
        String binding = ordinals.entrySet().stream()
                .map(e -> "GPU " + e.getKey() + " is CUDA device " + e.getValue()).collect(Collectors.joining(", "));
        return new Outcome(GpuDecision.Kind.USE_GPU, decision.message() + " (" + binding + ")", ordinals);
    }

    /** Sets ND4J up for the first decision; a later one must agree with the backend ND4J then loaded. */
    private Outcome apply(Outcome outcome) {
        if (outcome.kind() == GpuDecision.Kind.REFUSE) {
            return outcome;
        }
        if (backend != null) {
            if (backend != outcome.kind() && backend == GpuDecision.Kind.USE_GPU) {
                return Outcome.refuse(outcome.message() + "; but ND4J already runs on CUDA in this executor, so it "
                        + "cannot fall back to the CPU now");
            }
            if (backend != outcome.kind()) {
                return Outcome.cpu("ND4J already runs on the CPU in this executor; " + outcome.message());
            }
            return outcome;
        }
        try {
            if (outcome.kind() == GpuDecision.Kind.USE_GPU) {
                binding.configureSingleDevice(outcome.ordinals().values().iterator().next());
            } else if (backends.cuda()) {
                preferCpuBackend();
            }
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: ND4J's static initialiser or a native library failed to load
            return Outcome.refuse(outcome.message() + "; but setting ND4J up failed: " + rootCause(e));
        }
        backend = outcome.kind();
        return outcome;
    }

    /** Both backends in the jar: the CPU one must outrank CUDA's before ND4J loads. */
    private void preferCpuBackend() {
        int gpuPriority = DEFAULT_GPU_PRIORITY;
        String configured = env.get(GPU_PRIORITY);
        if (configured != null) {
            try {
                gpuPriority = Integer.parseInt(configured.trim());
            } catch (NumberFormatException ignored) {
                // ND4J ignores it too
            }
        }
        setJavaEnv.accept(CPU_PRIORITY, String.valueOf(gpuPriority + 1));
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e || root.getMessage() == null ? String.valueOf(e.getMessage()) : root.getMessage();
    }

    private static void log(Outcome outcome) {
        if (outcome.message().isEmpty()) {
            return;
        }
        switch (outcome.kind()) {
            case USE_GPU -> LOG.info("GPU check: {}", outcome.message());
            case USE_CPU -> LOG.warn("GPU check: {}", outcome.message());
            default -> LOG.error("GPU check: {}", outcome.message());
        }
    }

    private static String describe(List<Integer> gpus) {
        return (gpus.size() == 1 ? "GPU " : "GPUs ") + gpus.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
