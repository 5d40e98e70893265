package io.vilspark.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import io.vilspark.data.SparkSessions;
import io.vilspark.train.EpochMetrics;
import io.vilspark.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vil train}: distributed ViL training on Spark with parameter averaging. */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Train a ViL model on prepared shards with DL4J parameter averaging on Spark: every executor reads "
                        + "its own shards, trains averaging_frequency minibatches, the driver averages. With "
                        + "--set train.sync=gradients the driver instead applies one update per step with the sum "
                        + "of the workers' gradients (as one worker with minibatch global_batch).",
                "After each epoch: validation loss and top-1/top-5, metrics.jsonl, curves.png and a checkpoint in "
                        + "OUT/checkpoints; at the end OUT/model.zip. Recipes: conf/recipes (demo, vil2-*-imagenet)."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "ROOT", description = "Prepared dataset (vil prepare), any Hadoop path.")
    String data;

    @Option(names = "--recipe", defaultValue = "demo", paramLabel = "NAME|FILE.conf",
            description = "Training recipe: a built-in name or a HOCON file (default: ${DEFAULT-VALUE}).")
    String recipe;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder, any Hadoop path.")
    String out;

    @Mixin
    SetOptions setOptions;

    @Option(names = "--resume", description = "Continue from the newest complete checkpoint in --out.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        TrainJob.Result result = new TrainJob(SparkSessions.getOrCreate("vil train"), console)
                .run(new TrainJob.Settings(data, out, recipe, setOptions.fullKeys("train", "model"), resume));
        EpochMetrics last = result.last();
        console.printf("model: %s%n", result.model());
        console.printf("val accuracy: %.4f (top-5 %.4f) after %d epochs%n", last.valTop1(), last.valTop5(), last.epoch());
        return 0;
    }
}
