package io.vilspark.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.vilspark.data.SparkSessions;
import io.vilspark.retrain.RetrainJob;
import io.vilspark.retrain.RetrainSteps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

    @Option(names = "--holdout-split", paramLabel = "NAME",
            description = "Split of the holdout (default: test when present, else val).")
    String holdoutSplit;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Run id (e.g. the scheduler's run date). Same id again: a finished run does nothing, a crashed "
                    + "one resumes. Default: derived from the champion and the new partitions.")
    String runId;

    @Option(names = "--recipe", defaultValue = "demo", paramLabel = "NAME|FILE.conf",
            description = "Training recipe of the challenger (default: ${DEFAULT-VALUE}); its model must match the champion's.")
    String recipe;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a recipe key (as vil train). Repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--epochs", defaultValue = "1", paramLabel = "N",
            description = "Fine-tune epochs, with a fresh warm-up + cosine schedule (default: ${DEFAULT-VALUE}; 0: the recipe's).")
    int epochs;

    @Option(names = "--margin", defaultValue = "0.005", paramLabel = "FRACTION",
            description = "Promote only if challenger top-1 >= champion top-1 + margin (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--train-on", defaultValue = "all", paramLabel = "all|new",
            description = "Partitions to fine-tune on: all (old + new) or new only (default: ${DEFAULT-VALUE}).")
    String trainOn;

    @Option(names = "--lock-ttl", defaultValue = "PT6H", paramLabel = "DURATION",
            description = "How long the lock lives without renewal (ISO-8601, default: ${DEFAULT-VALUE}); a lock older "
                    + "than this belongs to a dead run and is taken over.")
    String lockTtl;

    @Override
    public Integer call() throws Exception {
        RetrainJob.TrainOn on = switch (trainOn) {
            case "all" -> RetrainJob.TrainOn.ALL;
            case "new" -> RetrainJob.TrainOn.NEW;
            default -> throw new ParameterException(spec.commandLine(), "--train-on: '" + trainOn + "' (all or new)");
        };
        Duration ttl;
        try {
            ttl = Duration.parse(lockTtl);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--lock-ttl: '" + lockTtl + "' is not an ISO-8601 duration (e.g. PT6H)");
        }
        if (epochs < 0) {
            throw new ParameterException(spec.commandLine(), "--epochs: " + epochs + " (0 or more)");
        }
        PrintStream console = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true);
        RetrainJob.Result r = new RetrainJob(SparkSessions.getOrCreate("vil retrain"), console, RetrainSteps.hook())
                .run(new RetrainJob.Settings(registry, data, holdout, holdoutSplit, runId, recipe, sets, epochs, margin,
                        on, ttl));
        console.println("retrain: outcome " + r.outcome().name().toLowerCase(java.util.Locale.ROOT) + " (run " + r.runId()
                + (r.version() != null ? ", version " + r.version() : "") + ")");
        return 0;
    }
}
