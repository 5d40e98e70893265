package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.vilspark.bench.Median;
import io.vilspark.config.ModelConfigs;
import io.vilspark.inference.NativeKernels;
import io.vilspark.inference.NativeThreads;
import io.vilspark.model.ConfigSummary;
import io.vilspark.model.MLstmForm;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vil bench-forms}: seconds per image of each mLSTM cell form at several image sizes. */
@Command(name = "bench-forms", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Time a randomly initialised float32 model with each form of the mLSTM cell forced "
                        + "(parallel, chunkwise, recurrent) at several square image sizes: seconds per image "
                        + "of the forward pass (to the probabilities) and of forward + backward (gradient and "
                        + "score, no optimizer step). Median of the timed iterations.",
                "The model: --config (default: the vil2-tiny preset). Prints one table row per size and form."})
final class BenchFormsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption configOption = new ConfigOption("vil2-tiny");

    @Mixin
    SetOptions setOptions;

    @Option(names = "--sizes", split = ",", defaultValue = "224,448,896", paramLabel = "PIXELS",
            description = "Image sizes in pixels (square, multiples of the patch size), comma-separated "
                    + "(default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--forms", split = ",", defaultValue = "parallel,chunkwise", paramLabel = "FORM",
            description = "Cell forms, comma-separated, of parallel, chunkwise, recurrent (default: "
                    + "${DEFAULT-VALUE}; the recurrent graph grows with the sequence length).")
    List<String> forms;

    @Option(names = "--chunk-size", defaultValue = "64", paramLabel = "L",
            description = "Chunk length of the chunkwise form (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Mixin
    BatchOption batchOption = new BatchOption(1);

    @Mixin
    ThreadsOption threadsOption;

    private int batch;

    @Option(names = "--forward-only", description = "Skip the forward + backward timing (prints '-').")
    boolean forwardOnly;

    @Option(names = "--backward-max-patches", defaultValue = "2147483647", paramLabel = "S",
            description = "Time forward + backward only up to this many patches (larger sizes print '-').")
    int backwardMaxPatches;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "W",
            description = "Untimed iterations first, per measurement (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "3", paramLabel = "I",
            description = "Timed iterations per measurement (default: ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Seed of the random weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        batch = batchOption.size();
        checkRange("--iters", iters, 1);
        checkRange("--warmup", warmup, 0);
        checkRange("--chunk-size", chunkSize, 1);
        int threads = threadsOption.count();
        List<MLstmForm> cellForms = new ArrayList<>();
        for (String f : forms) {
            try {
                cellForms.add(MLstmForm.fromConfigName(f));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--forms: unknown form '" + f
                        + "' (parallel, chunkwise, recurrent)");
            }
        }
        ViLConfig base = ModelConfigs.resolve(configOption.model(), setOptions.asWritten());
        for (int px : sizes) {
            if (px < base.patchSize() || px % base.patchSize() != 0) {
                throw new ParameterException(spec.commandLine(), "--sizes: " + px
                        + " is not a positive multiple of the patch size " + base.patchSize());
            }
        }
        NativeThreads used = threads == 0 ? NativeThreads.current() : NativeThreads.set(threads);
        PrintWriter w = spec.commandLine().getOut();
        w.println("config      " + ConfigSummary.of(base));
        w.println("batch       " + batch);
        w.println("threads     " + used.describe());
        w.println("kernels     " + NativeKernels.current().describe());
        w.println("chunk size  " + chunkSize);
        w.println("iterations  " + warmup + " warm-up + " + iters + " timed (median), per measurement");
        w.println(String.format(Locale.ROOT, "%-7s %-8s %-10s %-16s %s", "pixels", "patches", "form",
                "forward s/img", "fwd+bwd s/img"));
        w.flush();
        for (int px : sizes) {
            List<String> shape = new ArrayList<>(setOptions.asWritten());
            shape.add("input_shape=[" + base.channels() + "," + px + "," + px + "]");
            ViLConfig sized = ModelConfigs.resolve(configOption.model(), shape);
            int patches = sized.sequenceLength();
            for (MLstmForm form : cellForms) {
                double forward = time(sized, form, false);
                boolean backward = !forwardOnly && patches <= backwardMaxPatches;
                double both = backward ? time(sized, form, true) : Double.NaN;
                w.println(String.format(Locale.ROOT, "%-7d %-8d %-10s %-16.4f %s", px, patches, form.configName(),
                        forward, backward ? String.format(Locale.ROOT, "%.4f", both) : "-"));
                w.flush();
            }
        }
        return 0;
    }

    /** Median seconds per image of {@code iters} iterations. */
    private double time(ViLConfig config, MLstmForm form, boolean backward) {
        ComputationGraph graph = new ComputationGraph(ViLGraph.withCellForm(
                ViLGraph.configuration(config, seed, DataType.FLOAT, new Sgd(0.0)), form.configName(), chunkSize));
        graph.init();
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.randn(DataType.FLOAT, batch, config.channels(), config.height(), config.width());
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, config.numClasses());
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, i % config.numClasses(), 1.0);
        }
        Runnable step = backward ? () -> {
            graph.setInputs(images);
            graph.setLabels(labels);
            graph.computeGradientAndScore();
        } : () -> graph.output(false, images);
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < iters; i++) {
            long start = System.nanoTime();
            step.run();
            seconds.add((System.nanoTime() - start) / 1e9);
        }
        graph.clear();
        return Median.of(seconds) / batch;
    }

    private void checkRange(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be at least " + min + ", got " + value);
        }
    }
}
