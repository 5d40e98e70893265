package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import io.vilspark.config.JobConfig;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.SparkSessions;
import io.vilspark.data.prepare.PrepareJob;
import io.vilspark.data.prepare.PrepareResult;
import io.vilspark.data.prepare.PrepareSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vil prepare}: an image collection becomes Parquet patch-sequence shards (the shard schema). */
@Command(name = "prepare", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Turn an image collection into Parquet patch-sequence shards plus _manifest.json, as a Spark job "
                        + "(files are listed and decoded on the executors).",
                "Sources: ImageNet layout (train/<wnid>/, val/ in class folders or flat with a ground-truth file), "
                        + "any class-folder tree (JPEG, PNG, BMP, GIF), IDX files (train-* -> train, t10k-* -> val).",
                "Each image: shorter side resized to R (antialiased), centre crop R x R, cut into P x P patches. "
                        + "Bad files are skipped and counted by reason. Defaults: conf/jobs/prepare.conf."})
final class PrepareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "PATH", description = "The image collection (any Hadoop path).")
    String input;

    @Option(names = "--format", paramLabel = "imagenet|folder|idx", description = "Layout of the input (default: detected).")
    String format;

    @Option(names = "--out", paramLabel = "PATH", description = "Dataset root to create (any Hadoop path).")
    String out;

    @Option(names = "--resolution", paramLabel = "R", description = "Stored image side in pixels, a multiple of the patch.")
    Integer resolution;

    @Option(names = "--patch", paramLabel = "P", description = "Patch side in pixels (default 16).")
    Integer patch;

    @Option(names = "--channels", paramLabel = "1|3", description = "Stored channels (default: 1 for IDX, 3 for image files).")
    Integer channels;

    @Option(names = "--filter", paramLabel = "bicubic|bilinear|box", description = "Resize filter (default bicubic).")
    String filter;

    @Option(names = "--val-fraction", paramLabel = "F",
            description = "Class folders without train/ and val/: share of each class held out as val (default 0.1).")
    Double valFraction;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the held-out choice (default 0).")
    Long seed;

    @Option(names = "--limit", paramLabel = "N", description = "At most N rows per split, the first in key order.")
    Long limit;

    @Option(names = "--shard-mb", paramLabel = "MB", description = "Target shard size, MiB of pixels (default 128).")
    Long shardMb;

    @Option(names = "--compression", paramLabel = "zstd|snappy|none", description = "Parquet compression (default zstd).")
    String compression;

    @Option(names = "--val-labels", paramLabel = "FILE",
            description = "Flat ImageNet val/: LOC_val_solution.csv or ILSVRC2012_validation_ground_truth.txt.")
    String valLabels;

    @Option(names = "--devkit-classes", paramLabel = "FILE",
            description = "With the devkit ground truth: wnids in ILSVRC2012_ID order, one per line.")
    String devkitClasses;

    @Option(names = "--class-names", split = ",", paramLabel = "NAME",
            description = "IDX: class names in label order (comma-separated).")
    List<String> classNames;

    @Option(names = "--overwrite", description = "Replace an existing dataset at --out.")
    boolean overwrite;

    @Mixin
    ConfigOption configOption;

    @Mixin
    SetOptions setOptions;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrepareSettings settings = PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS,
                configOption.jobFile(), overrides()));
        PrintWriter err = spec.commandLine().getErr();
        PrepareResult result = PrepareJob.run(SparkSessions.getOrCreate("vil prepare"), settings, quiet ? null : err);
        print(result, spec.commandLine().getOut());
        return 0;
    }

    /** --set values first, then the named options, which win. */
    private List<String> overrides() {
        return new BlockOverrides("prepare", setOptions.fullKeys("prepare"))
                .text("input", input).text("format", format).text("output", out)
                .number("resolution", resolution).number("patch", patch).number("channels", channels)
                .text("filter", filter).number("val_fraction", valFraction).number("seed", seed).number("limit", limit)
                .number("shard_mb", shardMb).text("compression", compression).text("val_labels", valLabels)
                .text("devkit_classes", devkitClasses).texts("class_names", classNames).flag("overwrite", overwrite)
                .list();
    }

    private static void print(PrepareResult r, PrintWriter w) {
        DatasetManifest m = r.manifest();
        Map<String, Object> source = m.source();
        w.println("input       " + source.get("input") + " (" + source.get("format") + ")");
        w.println("classes     " + m.classes().size());
        w.println("stored      " + m.channels() + "x" + m.height() + "x" + m.width() + ", patch " + m.patch() + " ("
                + m.gridH() + "x" + m.gridW() + " patches)");
        w.println("rows        train " + m.rows().get("train") + ", val " + m.rows().get("val") + " (shards "
                + source.get("shards") + ")");
        long skipped = m.skipped().values().stream().mapToLong(Long::longValue).sum();
        String reasons = m.skipped().entrySet().stream().filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        w.println("skipped     " + skipped + (reasons.isEmpty() ? "" : " (" + reasons + ")"));
        w.println("mean        " + format(m.mean()));
        w.println("std         " + format(m.std()));
        w.println(String.format(Locale.ROOT, "time        %.1f s for %d inputs on %d cores", r.seconds(), r.inputs(),
                r.cores()));
        w.println("wrote       " + r.output());
        w.println(String.format(Locale.ROOT, "images/s: %.1f (%.1f per core)", r.imagesPerSecond(),
                r.imagesPerSecondPerCore()));
        w.flush();
    }

    private static String format(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).collect(Collectors.joining(", ", "[", "]"));
    }
}
