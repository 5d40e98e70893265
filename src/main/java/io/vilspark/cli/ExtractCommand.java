package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.vilspark.config.JobConfig;
import io.vilspark.data.SparkSessions;
import io.vilspark.features.ExtractJob;
import io.vilspark.features.ExtractSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vil extract}: features (and optionally logits, top-k classes) of every image, written as Parquet. */
@Command(name = "extract", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Batch feature extraction as a Spark job: run a model over prepared shards or an image collection "
                        + "(class-folder tree or flat folder, decoded on the executors as vil prepare does) and write "
                        + "Parquet with key, label, features (the head's input, as vil predict --features) and "
                        + "optionally logits and the top-k classes.",
                "One output file per input partition, written under a temporary name and committed by a rename: a "
                        + "rerun after a crash keeps complete files and redoes the rest. Unusable images are skipped "
                        + "and counted in OUT/_summary.json. Defaults: conf/jobs/extract.conf."})
final class ExtractCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model file (vil train's model.zip or a checkpoint, vil import's output), any Hadoop path.")
    String model;

    @Option(names = "--input", required = true, paramLabel = "PATH",
            description = "Prepared dataset (or one split folder of it), or a folder of images / class folders; "
                    + "any Hadoop path.")
    String input;

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "Output folder, any Hadoop path.")
    String out;

    @Option(names = "--format", paramLabel = "shards|images",
            description = "What --input holds (default: shards when it has a _manifest.json, else images).")
    String format;

    @Option(names = "--logits", description = "Also write the logits column.")
    boolean logits;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Also write the K most probable classes: top_classes, top_probs (softmax), top_names.")
    Integer topK;

    @Option(names = "--split", paramLabel = "NAME",
            description = "Shards: extract only this split folder (repeatable; default: every split).")
    List<String> splits = new ArrayList<>();

    @Option(names = "--resolution", paramLabel = "R",
            description = "Images: shorter side resized to R and centre-cropped before the model's crop "
                    + "(default: the model's input size; e.g. 256 for ImageNet models at 224).")
    Integer resolution;

    @Option(names = "--overwrite", description = "Replace an output folder that holds another extraction.")
    boolean overwrite;

    @Mixin
    BatchOption batchOption = new BatchOption(JobConfig.defaults(ExtractSettings.DEFAULTS).getInt("extract.batch_size"));

    @Mixin
    ThreadsOption threadsOption;

    @Mixin
    ConfigOption configOption;

    @Mixin
    SetOptions setOptions;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        ExtractSettings settings = settings();
        PrintWriter w = spec.commandLine().getOut();
        ExtractJob.Result r = ExtractJob.run(SparkSessions.getOrCreate("vil extract"), model, input, out, settings,
                quiet ? null : spec.commandLine().getErr());
        w.println("input       " + input + " (" + r.format() + ")");
        w.println("partitions  " + r.partitions() + (r.resumedPartitions() > 0
                ? " (" + r.resumedPartitions() + " complete from an earlier run, kept)" : ""));
        w.println("rows        " + r.rows() + " (columns " + String.join(", ", r.columns().columnNames()) + ")");
        String reasons = r.skippedByReason().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        w.println("skipped     " + r.skipped() + (reasons.isEmpty() ? "" : " (" + reasons + ")"));
        double task = r.readSeconds() + r.inferSeconds() + r.writeSeconds();
        w.println(String.format(Locale.ROOT, "time        %.1f s; in the tasks: read+decode %.0f%%, model %.0f%%, write %.0f%%",
                r.seconds(), percent(r.readSeconds(), task), percent(r.inferSeconds(), task),
                percent(r.writeSeconds(), task)));
        w.println("wrote       " + r.out() + " (summary: _summary.json)");
        w.println(String.format(Locale.ROOT, "images/s: %.2f", r.imagesPerSecond()));
        w.flush();
        return 0;
    }

    private static double percent(double part, double whole) {
        return whole > 0 ? 100 * part / whole : 0;
    }

    /** The job's settings: its defaults, then --config, then --set, then the named options. */
    ExtractSettings settings() {
        return ExtractSettings.load(configOption.jobFile(), overrides());
    }

    /** --set values first, then the named options, which win. */
    private List<String> overrides() {
        return new BlockOverrides("extract", setOptions.fullKeys("extract")).text("format", format)
                .flag("logits", logits).number("top_k", topK).texts("splits", splits)
                .number("batch_size", batchOption.given() ? batchOption.size() : null)
                .number("threads_per_task", threadsOption.given() ? threadsOption.count() : null)
                .number("resolution", resolution).flag("overwrite", overwrite)
                .list();
    }
}
