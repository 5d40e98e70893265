package io.vilspark.data.prepare;

import java.util.List;
import java.util.Optional;

import io.vilspark.config.JobConfig;
import org.apache.spark.sql.SparkSession;

/** The tests' Spark: real local mode with two cores, shared by the test classes of one JVM. */
final class LocalSpark {
    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        return SparkSession.builder().master("local[2]").appName("vil prepare tests")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    /** Settings from the real defaults plus {@code key=value} overrides of the prepare block. */
    static PrepareSettings settings(String input, String output, int resolution, int patch, String... more) {
        List<String> o = new java.util.ArrayList<>(List.of(
                "prepare.input=\"" + input + "\"", "prepare.output=\"" + output + "\"",
                "prepare.resolution=" + resolution, "prepare.patch=" + patch, "prepare.progress_seconds=0"));
        for (String m : more) {
            o.add("prepare." + m);
        }
        return PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS, Optional.empty(), o));
    }

    static PrepareResult run(String input, String output, int resolution, int patch, String... more) throws Exception {
        return PrepareJob.run(session(), settings(input, output, resolution, patch, more), null);
    }
}
