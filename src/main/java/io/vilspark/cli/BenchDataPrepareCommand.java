package io.vilspark.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.vilspark.config.JobConfig;
import io.vilspark.data.SparkSessions;
import io.vilspark.data.prepare.PrepareJob;
import io.vilspark.data.prepare.PrepareResult;
import io.vilspark.data.prepare.PrepareSettings;
import io.vilspark.data.prepare.SyntheticJpegs;
import com.typesafe.config.ConfigUtil;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vil bench-data prepare}: the prepare job's throughput on JPEGs, in images/s per core. */
@Command(name = "prepare", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Time the prepare job on JPEGs: by default on drawn JPEGs of ImageNet's typical size (500x375), "
                        + "written to a temporary folder first (not timed); or on --input.",
                "The last line is 'images/s per core: <number>' (encoding wall time: decode, resize, crop, write)."})
final class BenchDataPrepareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "PATH", description = "Prepare this collection instead of drawn JPEGs.")
    String input;

    @Option(names = "--images", defaultValue = "2000", paramLabel = "N", description = "Drawn JPEGs (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", defaultValue = "500x375", paramLabel = "WxH", description = "Size of the drawn JPEGs (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--resolution", defaultValue = "224", paramLabel = "R", description = "Stored side (default: ${DEFAULT-VALUE}).")
    int resolution;

    @Option(names = "--patch", defaultValue = "16", paramLabel = "P", description = "Patch side (default: ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--compression", defaultValue = "zstd", paramLabel = "C", description = "Parquet compression (default: ${DEFAULT-VALUE}).")
    String compression;

    @Override
    public Integer call() throws Exception {
        String[] wh = size.toLowerCase(Locale.ROOT).split("x");
        if (wh.length != 2 || !wh[0].matches("\\d+") || !wh[1].matches("\\d+") || images < 1) {
            throw new ParameterException(spec.commandLine(), "--size must be WxH and --images at least 1");
        }
        PrintWriter w = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("vil-bench-prepare");
        try {
            String source = input;
            if (source == null) {
                Path jpegs = work.resolve("jpegs");
                long t0 = System.nanoTime();
                long bytes = SyntheticJpegs.write(jpegs, images, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), 10, 0);
                w.println(String.format(Locale.ROOT, "drew        %d JPEGs of %s (%.0f KiB average) in %.1f s", images,
                        size, bytes / 1024.0 / images, (System.nanoTime() - t0) / 1e9));
                w.flush();
                source = jpegs.toString();
            }
            PrepareSettings settings = PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS, java.util.Optional.empty(),
                    List.of("prepare.input=" + ConfigUtil.quoteString(source),
                            "prepare.output=" + ConfigUtil.quoteString(work.resolve("out").toString()),
                            "prepare.resolution=" + resolution, "prepare.patch=" + patch,
                            "prepare.compression=" + ConfigUtil.quoteString(compression), "prepare.progress_seconds=0")));
            PrepareJob.run(SparkSessions.getOrCreate("vil bench-data prepare"), settings, null); // warm-up: JIT, Spark
            FileUtils.deleteDirectory(work.resolve("out").toFile());
            PrepareResult r = PrepareJob.run(SparkSessions.getOrCreate("vil bench-data prepare"), settings, null);
            w.println(String.format(Locale.ROOT, "prepared    %d inputs to %dx%d, patch %d, %s, in %.2f s on %d cores",
                    r.inputs(), resolution, resolution, patch, compression, r.seconds(), r.cores()));
            w.println(String.format(Locale.ROOT, "images/s: %.1f", r.imagesPerSecond()));
            w.println(String.format(Locale.ROOT, "images/s per core: %.1f", r.imagesPerSecondPerCore()));
            w.flush();
            return 0;
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
    }
}
