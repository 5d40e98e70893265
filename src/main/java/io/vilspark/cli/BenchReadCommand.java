package io.vilspark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.typesafe.config.Config;
import io.vilspark.bench.SyntheticShards;
import io.vilspark.config.BadInputException;
import io.vilspark.config.JobConfig;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.SparkSessions;
import io.vilspark.data.read.AugmentationConfig;
import io.vilspark.data.read.ReadMode;
import io.vilspark.data.read.ReaderConfig;
import io.vilspark.data.read.ShardDataException;
import io.vilspark.data.read.ShardDataSetIterator;
import io.vilspark.data.read.ShardDatasets;
import io.vilspark.fs.HadoopConf;
import io.vilspark.model.ViLConfig;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vil bench-data read}: images per second of the shard reader, plain (evaluation path) and
 * augmented (training path), on a dataset or on drawn shards at 224 and 28 pixels.
 */
@Command(name = "read", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Time the shard reader: Parquet decode, image rebuild, augmentation, normalisation and ND4J "
                        + "minibatches, in one thread without Spark (images/s per core), or with --spark through the "
                        + "embedded Spark on all cores.",
                "Without --data it draws a dataset per --resolution first (not timed). 'plain' is the evaluation "
                        + "path; 'augmented' the training path with the reader's augmentation (conf/jobs/reader.conf, "
                        + "change it with --set)."})
final class BenchReadCommand implements Callable<Integer> {
    private static final String READER = "reader";

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "ROOT", description = "A prepared dataset (any Hadoop path) instead of drawn shards.")
    String data;

    @Option(names = "--split", defaultValue = "train", paramLabel = "NAME", description = "Split to read (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--resolution", split = ",", paramLabel = "R",
            description = "Drawn image sizes (default: 224,28); each is measured.")
    List<Integer> resolutions = new ArrayList<>(List.of(224, 28));

    @Option(names = "--images", paramLabel = "N", description = "Drawn images per size (default: 512 at 224 pixels, more for smaller images; "
                    + "4 times as many with --spark, so that a pass outweighs Spark's per-job cost).")
    Integer images;

    @Option(names = "--channels", defaultValue = "3", paramLabel = "C", description = "Channels of drawn images (default: ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--model-size", paramLabel = "S", description = "Model input side (default: the stored size).")
    Integer modelSize;

    @Mixin
    BatchOption batchOption = new BatchOption(64);

    private int batch;

    @Option(names = "--augment", negatable = true,
            description = "Only the augmented path (--no-augment: only the plain one); default: both.")
    Boolean augment;

    @Mixin
    SetOptions setOptions;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "Minimum timed seconds per measurement; whole passes over the split (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--spark", description = "Read through the embedded Spark (all cores) instead of one thread.")
    boolean spark;

    /** One timed configuration. */
    private record Result(String label, long images, double seconds) {
        double rate() {
            return images / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        batch = batchOption.size();
        if (batch < 1 || seconds <= 0 || (images != null && images < 1) || (channels != 1 && channels != 3)) {
            throw new ParameterException(spec.commandLine(),
                    "--batch and --images must be at least 1, --seconds > 0, --channels 1 or 3");
        }
        ReaderConfig config = readerConfig();
        PrintWriter w = spec.commandLine().getOut();
        w.println("reader      " + (spark ? "embedded Spark, " + Runtime.getRuntime().availableProcessors() + " cores"
                : "one thread, no Spark") + "; batch " + batch);
        w.println("augmented   " + describe(config.augment()));
        w.flush();
        List<Result> results = new ArrayList<>();
        if (data != null) {
            results.addAll(measure(data, w, config));
        } else {
            Path work = Files.createTempDirectory("vil-bench-read");
            try {
                for (int r : resolutions) {
                    String root = work.resolve("r" + r).toString();
                    int n = images != null ? images : drawnImages(r) * (spark ? 4 : 1);
                    long t0 = System.nanoTime();
                    SyntheticShards.write(session(), root, n, channels, r, patchFor(r), Math.max(2, n / 256));
                    w.println(String.format(Locale.ROOT, "drew        %d images %dx%dx%d (patch %d) in %.1f s", n, channels,
                            r, r, patchFor(r), (System.nanoTime() - t0) / 1e9));
                    w.flush();
                    results.addAll(measure(root, w, config));
                }
            } finally {
                FileUtils.deleteDirectory(work.toFile());
            }
        }
        if (results.size() == 1) {
            w.println(String.format(Locale.ROOT, "images/s: %.1f", results.get(0).rate()));
        }
        w.flush();
        return 0;
    }

    private List<Result> measure(String root, PrintWriter w, ReaderConfig config) throws IOException {
        DatasetManifest manifest = DatasetManifest.read(root, hadoop());
        int side = modelSize != null ? modelSize : Math.min(manifest.height(), manifest.width());
        ViLConfig model = ViLConfig.builder().dim(8).depth(1).patchSize(manifest.patch())
                .inputShape(manifest.channels(), side, side)
                .numClasses(Math.max(1, manifest.classes().size())).build();
        List<Result> out = new ArrayList<>();
        String size = manifest.channels() + "x" + manifest.height() + "x" + manifest.width() + " -> " + side;
        if (augment == null || !augment) {
            out.add(time("plain     " + size, root, model, config, ReadMode.EVAL));
            print(w, out.get(out.size() - 1));
        }
        if (augment == null || augment) {
            out.add(time("augmented " + size, root, model, config, ReadMode.TRAIN));
            print(w, out.get(out.size() - 1));
        }
        return out;
    }

    private Result time(String label, String root, ViLConfig model, ReaderConfig config, ReadMode mode) throws IOException {
        long warm = pass(root, model, config, mode, 0); // JIT, file cache, Spark stages
        if (warm == 0) {
            throw new BadInputException(root + "/" + split + ": the split has no rows");
        }
        long images = 0;
        long t0 = System.nanoTime();
        int epoch = 1;
        while (images == 0 || (System.nanoTime() - t0) / 1e9 < seconds) {
            images += pass(root, model, config, mode, epoch++);
        }
        return new Result(label, images, (System.nanoTime() - t0) / 1e9);
    }

    /** One pass over the split; returns the images read. */
    private long pass(String root, ViLConfig model, ReaderConfig config, ReadMode mode, int epoch) throws IOException {
        try {
            if (spark) {
                return ShardDatasets.read(session(), root, split, model, config, mode, epoch)
                        .map(ds -> (long) ds.numExamples()).fold(0L, Long::sum);
            }
            long n = 0;
            try (ShardDataSetIterator it = ShardDataSetIterator.open(root, split, model, config, mode, epoch, hadoop())) {
                while (it.hasNext()) {
                    n += it.next().numExamples();
                }
            }
            return n;
        } catch (RuntimeException e) {
            ShardDataException shard = ShardDataException.findIn(e);
            if (shard != null) {
                throw new BadInputException(shard.getMessage());
            }
            throw e;
        }
    }

    private ReaderConfig readerConfig() {
        List<String> prefixed = new ArrayList<>(setOptions.fullKeys(READER));
        prefixed.add(READER + ".batch_size=" + batch);
        Config merged = JobConfig.load("jobs/reader.conf", Optional.empty(), prefixed);
        return ReaderConfig.fromConfig(merged.getConfig(READER), READER);
    }

    private static void print(PrintWriter w, Result r) {
        w.println(String.format(Locale.ROOT, "%-34s %8d images %8.2f s %10.1f images/s", r.label(), r.images(),
                r.seconds(), r.rate()));
        w.flush();
    }

    private static String describe(AugmentationConfig a) {
        List<String> parts = new ArrayList<>();
        if (a.randomResizedCrop()) {
            parts.add("random resized crop " + a.cropScaleMin() + "-" + a.cropScaleMax());
        }
        if (a.horizontalFlip() > 0) {
            parts.add("flip " + a.horizontalFlip());
        }
        if (a.threeAugment()) {
            parts.add("3-augment");
        }
        if (a.colorJitter() > 0) {
            parts.add("colour jitter " + a.colorJitter());
        }
        if (a.mixesBatches()) {
            parts.add("Mixup " + a.mixupAlpha() + " / CutMix " + a.cutmixAlpha() + " (p " + a.mixProb() + ", switch "
                    + a.switchProb() + ")");
        }
        if (a.labelSmoothing() > 0) {
            parts.add("label smoothing " + a.labelSmoothing());
        }
        return parts.isEmpty() ? "nothing (plain reading in training mode)" : String.join(", ", parts);
    }

    /** 512 images at 224 pixels; smaller images get more, up to 8192, so a pass is not too short to time. */
    private static int drawnImages(int resolution) {
        return (int) Math.min(8192, Math.max(512, 512L * 224 * 224 / ((long) resolution * resolution)));
    }

    /** ViL's patch 16 where it divides the size, else 4 (the demo model's patch for 28x28), else 1. */
    private static int patchFor(int resolution) {
        return resolution % 16 == 0 ? 16 : resolution % 4 == 0 ? 4 : 1;
    }

    private static SparkSession session() {
        return SparkSessions.getOrCreate("vil bench-data read");
    }

    private static Configuration hadoop() {
        return HadoopConf.create();
    }
}
