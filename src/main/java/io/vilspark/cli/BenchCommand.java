package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.vilspark.bench.BenchMode;
import io.vilspark.bench.BenchWorkload;
import io.vilspark.bench.Median;
import io.vilspark.inference.ProcessMemory;
import io.vilspark.config.ModelConfigs;
import io.vilspark.inference.NativeKernels;
import io.vilspark.inference.NativeThreads;
import io.vilspark.model.ConfigSummary;
import io.vilspark.model.OpTimings;
import io.vilspark.model.ViLConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vil bench}: images per second of training or inference for any model configuration. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Measure training (forward + backward + Adam step) or inference speed of a randomly "
                        + "initialised float32 model on random inputs.",
                "The last line is 'images/s: <number>', from the median iteration."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption;

    @Mixin
    SetOptions setOptions;

    @Mixin
    BatchOption batchOption = new BatchOption(32);

    @Option(names = "--mode", required = true, paramLabel = "train|infer",
            description = "train: forward + backward + optimizer step; infer: forward to logits.")
    BenchMode mode;

    @Mixin
    ThreadsOption threadsOption;

    /** How {@code --threads} are used. */
    enum Parallelism { batch, ops }

    @Option(names = "--parallel", defaultValue = "batch", paramLabel = "batch|ops",
            description = "batch: each minibatch split over the threads, every op single-threaded (what vil train "
                    + "does); ops: every op (OpenMP, ND4J ops, BLAS) on the threads, minibatches whole "
                    + "(default: ${DEFAULT-VALUE}).")
    Parallelism parallel;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "W",
            description = "Untimed iterations first: the JIT compiles the Java kernels and SameDiff's session code "
                    + "over the first steps of a run (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-seconds", defaultValue = "15", paramLabel = "S",
            description = "With --warmup above 0, warm-up iterations go on until this many seconds have passed: a "
                    + "small model's 10 steps take a second or two, before the JIT has compiled its hot code "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--iters", defaultValue = "5", paramLabel = "I",
            description = "Timed iterations (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the random weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        int batch = batchOption.size();
        checkRange("--iters", iters, 1);
        checkRange("--warmup", warmup, 0);
        checkRange("--warmup-seconds", warmupSeconds, 0);
        int threads = threadsOption.count();
        ViLConfig config = ModelConfigs.resolve(configOption.model(), setOptions.asWritten());
        NativeThreads used = threads == 0 ? NativeThreads.current()
                : parallel == Parallelism.batch ? NativeThreads.splitBatches(threads) : NativeThreads.set(threads);
        PrintWriter w = spec.commandLine().getOut();
        w.println("config      " + ConfigSummary.of(config));
        w.flush();
        BenchWorkload workload = BenchWorkload.create(config, mode, batch, seed);
        w.println("parameters  " + ConfigSummary.count(workload.parameters()));
        w.println("mode        " + mode + " (" + mode.description + ")");
        w.println("batch       " + batch);
        w.println("threads     " + used.describe());
        w.println("kernels     " + NativeKernels.current().describe());
        w.println("warm-up     " + warmup + " iteration(s)" + (warmup > 0 ? ", at least " + warmupSeconds + " s" : ""));
        w.flush();
        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        int warmedUp = 0;
        while (warmedUp < warmup || (warmup > 0 && System.nanoTime() < warmupEnd)) {
            workload.timeOnce();
            warmedUp++;
        }
        if (warmedUp > warmup) {
            w.println("warmed up   " + warmedUp + " iterations");
        }
        OpTimings.reset();
        List<Double> seconds = new ArrayList<>();
        w.println("iteration   seconds     images/s");
        for (int i = 1; i <= iters; i++) {
            double s = workload.timeOnce();
            seconds.add(s);
            w.println(row(Integer.toString(i), s));
            w.flush();
        }
        double median = Median.of(seconds);
        if (OpTimings.ENABLED) {
            w.println("SameDiff op time over the timed iterations (-Dvil.profile.ops=true):");
            w.println(OpTimings.report());
        }
        w.println(row("median", median));
        w.println("memory      " + ProcessMemory.now().describe());
        w.println("images/s: " + String.format(Locale.ROOT, "%.2f", batch / median));
        w.flush();
        return 0;
    }

    private String row(String label, double seconds) {
        return String.format(Locale.ROOT, "%-11s %-11.4f %.2f", label, seconds, batchOption.size() / seconds);
    }

    private void checkRange(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", got " + value);
        }
    }
}
