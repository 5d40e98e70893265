package io.vilspark.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.vilspark.config.Bounds;
import io.vilspark.config.JobConfig;
import io.vilspark.config.SettingsBlock;
import io.vilspark.data.SparkSessions;
import io.vilspark.fs.HadoopConf;
import io.vilspark.retrain.RetrainJob;
import io.vilspark.retrain.RetrainLock;
import io.vilspark.retrain.RetrainSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vil retrain}: fine-tune the registry's champion on new data partitions, compare, promote safely. */
@Command(name = "retrain", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Fine-tune the champion of a model registry on the data partitions that arrived since it was trained "
                        + "(sub-folders of --data, each a prepared dataset), evaluate challenger and champion on the same "
                        + "holdout, and promote the challenger only when its top-1 is at least champion + --margin. "
                        + "The decision and the numbers are recorded either way (vil registry show).",
                "Safe to schedule: one run at a time per registry (a lock with expiry); --run-id makes reruns "
                        + "idempotent and resumes a crashed run; no new partitions: exits 0 with a message. "
                        + "An empty registry gets a first version trained from scratch."})
final class RetrainCommand implements Callable<Integer> {
    static final String DEFAULTS = "jobs/retrain.conf";
    static final String BLOCK = "retrain";

    @Spec
    CommandSpec spec;

    @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Model registry root, any Hadoop path.")
    String registry;

    @Option(names = "--data", required = true, paramLabel = "ROOT",
            description = "Data root: one prepared dataset (vil prepare) per sub-folder; a sub-folder is a partition "
                    + "once its _manifest.json exists.")
    String data;

    @Option(names = "--holdout", required = true, paramLabel = "ROOT",
            description = "Prepared dataset both models are evaluated on; keep it fixed between runs.")
    String holdout;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Run id (e.g. the scheduler's run date). Same id again: a finished run does nothing, a crashed "
                    + "one resumes. Default: derived from the champion and the new partitions.")
    String runId;

    @Option(names = "--recipe", defaultValue = "demo", paramLabel = "NAME|FILE.conf",
            description = "Training recipe of the challenger (default: ${DEFAULT-VALUE}); its model must match the champion's.")
    String recipe;

    /** retrain.KEY: conf/jobs/retrain.conf; train.KEY and model.KEY: the recipe, as in vil train. */
    @Mixin
    SetOptions setOptions;

    @Mixin
    ConfigOption configOption;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Fine-tune epochs, with a fresh warm-up + cosine schedule (default 1; 0: the recipe's).")
    Integer epochs;

    @Option(names = "--margin", paramLabel = "FRACTION",
            description = "Promote only if challenger top-1 >= champion top-1 + margin (default 0.005).")
    Double margin;

    @Option(names = "--train-on", paramLabel = "all|new",
            description = "Partitions to fine-tune on: all (old + new, the default) or new only.")
    String trainOn;

    @Option(names = "--holdout-split", paramLabel = "NAME",
            description = "Split of the holdout (default: test when present, else val).")
    String holdoutSplit;

    @Option(names = "--lock-ttl-minutes", paramLabel = "MINUTES",
            description = "A lock not renewed for this long belongs to a dead run and is taken over (default 360; "
                    + "a live run renews it every third of that).")
    Integer lockTtlMinutes;

    @Override
    public Integer call() throws Exception {
        List<String> blockSets = new ArrayList<>();
        List<String> recipeSets = new ArrayList<>();
        for (String set : setOptions.fullKeys(BLOCK, "train", "model")) {
            (set.startsWith(BLOCK + ".") ? blockSets : recipeSets).add(set);
        }
        List<String> block = new BlockOverrides(BLOCK, blockSets).number("epochs", epochs).number("margin", margin)
                .text("train_on", trainOn).text("holdout_split", holdoutSplit)
                .number("lock_ttl_minutes", lockTtlMinutes).list();
        SettingsBlock b = SettingsBlock.of(JobConfig.load(DEFAULTS, configOption.jobFile(), block), BLOCK);
        RetrainJob.TrainOn on = b.choice("train_on", List.of("all", "new")).equals("all")
                ? RetrainJob.TrainOn.ALL : RetrainJob.TrainOn.NEW;
        RetrainJob.Settings settings = new RetrainJob.Settings(registry, data, holdout, b.optionalString("holdout_split"),
                runId, recipe, recipeSets, b.integer("epochs", 0, 1_000_000), b.number("margin", Bounds.closed(-1, 1)), on,
                Duration.ofMinutes(b.integral("lock_ttl_minutes", 1, 60L * 24 * 365)));
        // a second invocation stops here, before it starts Spark (and asks a cluster for executors)
        RetrainLock.checkFree(registry, HadoopConf.create(), settings.lockTtl());
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        RetrainJob.Result r = new RetrainJob(SparkSessions.getOrCreate("vil retrain"), console, RetrainSteps.hook())
                .run(settings);
        console.println("retrain: outcome " + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + " (run " + r.runId()
                + (r.version() != null ? ", version " + r.version() : "") + ")");
        return 0;
    }
}
