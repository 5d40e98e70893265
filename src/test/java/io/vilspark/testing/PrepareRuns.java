package io.vilspark.testing;

import java.util.List;
import java.util.Optional;

import io.vilspark.config.JobConfig;
import io.vilspark.data.prepare.PrepareJob;
import io.vilspark.data.prepare.PrepareResult;
import io.vilspark.data.prepare.PrepareSettings;

/** The prepare job as the tests run it: the real defaults plus overrides, on the tests' {@link LocalSpark}. */
public final class PrepareRuns {
    private PrepareRuns() {
    }

    /** Settings from the real defaults plus {@code key=value} overrides of the prepare block. */
    public static PrepareSettings settings(String input, String output, int resolution, int patch, String... more) {
        List<String> o = new java.util.ArrayList<>(List.of(
                "prepare.input=\"" + input + "\"", "prepare.output=\"" + output + "\"",
                "prepare.resolution=" + resolution, "prepare.patch=" + patch, "prepare.progress_seconds=0"));
        for (String m : more) {
            o.add("prepare." + m);
        }
        return PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS, Optional.empty(), o));
    }

    public static PrepareResult run(String input, String output, int resolution, int patch, String... more) throws Exception {
        return PrepareJob.run(LocalSpark.session(), settings(input, output, resolution, patch, more), null);
    }
}
