package io.vilspark.cli;

import java.util.List;
import java.util.concurrent.Callable;

import io.vilspark.config.JobConfig;
import io.vilspark.data.SparkSessions;
import io.vilspark.evaluate.EvaluateJob;
import io.vilspark.evaluate.EvaluateSettings;
import io.vilspark.evaluate.EvaluationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vil evaluate}: accuracy, loss and the confusion matrix of a model on a split of prepared shards. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Evaluate a model on a split of prepared shards as a Spark job: the executors read the shards, run the "
                        + "model (read once per executor) and count; loss, top-1, top-5, per-class accuracy and the "
                        + "confusion matrix.",
                "Writes OUT/summary.json, confusion.csv, per_class.csv and confusion.png (heat map with class names); "
                        + "prints a short table whose last line is 'test accuracy: <fraction>'. "
                        + "Defaults: conf/jobs/evaluate.conf."})
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "Model file (vil train's model.zip or a checkpoint, vil import's output), any Hadoop path.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "ROOT",
            description = "Prepared dataset (vil prepare: _manifest.json and split folders), any Hadoop path.")
    String data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder, any Hadoop path.")
    String out;

    @Option(names = "--split", paramLabel = "NAME",
            description = "Split folder to evaluate (default: test when the dataset has one, else val).")
    String split;

    @Mixin
    BatchOption batchOption = new BatchOption(JobConfig.defaults(EvaluateSettings.DEFAULTS).getInt("evaluate.batch_size"));

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
        EvaluateSettings settings = settings();
        EvaluateJob.Result result = EvaluateJob.run(SparkSessions.getOrCreate("vil evaluate"), model, data, out,
                settings, quiet ? null : spec.commandLine().getErr());
        EvaluationReport.print(result, out, spec.commandLine().getOut());
        return 0;
    }

    /** The job's settings: its defaults, then --config, then --set, then the named options. */
    EvaluateSettings settings() {
        return EvaluateSettings.load(configOption.jobFile(), overrides());
    }

    /** --set values first, then the named options, which win. */
    private List<String> overrides() {
        return new BlockOverrides("evaluate", setOptions.fullKeys("evaluate")).text("split", split)
                .number("batch_size", batchOption.given() ? batchOption.size() : null)
                .number("threads_per_task", threadsOption.given() ? threadsOption.count() : null)
                .list();
    }
}
