package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilspark.fs.HadoopConf;
import io.vilspark.registry.ChampionPointer;
import io.vilspark.registry.ModelRegistry;
import io.vilspark.registry.ModelVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vil registry list|show|promote|rollback}: the model registry that vil retrain fills. */
@Command(name = "registry", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = "Inspect and change a model registry (versions, their data, metrics and retrain decisions; "
                + "the champion pointer).",
        subcommands = {RegistryCommand.ListVersions.class, RegistryCommand.Show.class, RegistryCommand.Promote.class,
                RegistryCommand.Rollback.class})
final class RegistryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (list, show, promote, rollback)");
    }

    static ModelRegistry open(String root) throws java.io.IOException {
        return ModelRegistry.existing(root, HadoopConf.create());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Versions, oldest first: holdout top-1 of the version and of the champion it was compared with, the verdict, the new partitions; * marks the champion.")
    static final class ListVersions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Registry root, any Hadoop path.")
        String registry;

        @Override
        public Integer call() throws Exception {
            ModelRegistry r = open(registry);
            PrintWriter w = spec.commandLine().getOut();
            String champion = r.champion().map(ChampionPointer::version).orElse("");
            List<ModelVersion> versions = r.versions();
            int runWidth = Math.max(3, versions.stream().mapToInt(v -> String.valueOf(v.runId()).length()).max().orElse(3));
            String row = "%s %-7s %-20s %-7s %-" + runWidth + "s %-7s %-11s %-8s %s%n";
            w.printf(Locale.ROOT, row, " ", "version", "created", "parent", "run", "top-1", "champ top-1", "verdict",
                    "new partitions");
            for (ModelVersion v : versions) {
                Map<String, Object> e = v.evaluation();
                String created = v.createdAt() != null && v.createdAt().length() > 19
                        ? v.createdAt().substring(0, 19) + "Z" : v.createdAt();
                w.printf(Locale.ROOT, row, v.id().equals(champion) ? "*" : " ", v.id(), created,
                        v.parent() == null ? "-" : v.parent(), v.runId(), top1(e.get("challenger")),
                        top1(e.get("champion")), e.get("verdict"), String.join(",", v.newPartitions()));
            }
            w.println(champion.isEmpty() ? "no champion" : "champion: " + champion);
            w.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One version's record (JSON): model, recipe, partitions, metrics, decision; or, without a "
                    + "version, the champion pointer's history.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Registry root, any Hadoop path.")
        String registry;
        @Parameters(arity = "0..1", paramLabel = "VERSION", description = "e.g. v0002 (default: the champion's history)")
        String version;

        @Override
        public Integer call() throws Exception {
            ModelRegistry r = open(registry);
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            PrintWriter w = spec.commandLine().getOut();
            if (version == null) {
                List<ChampionPointer> h = r.championHistory();
                w.println(json.writeValueAsString(h));
            } else {
                ModelVersion v = r.require(version);
                Optional<ChampionPointer> c = r.champion();
                w.println(json.writeValueAsString(v));
                w.println(c.isPresent() && c.get().version().equals(version) ? "champion: yes" : "champion: no");
            }
            w.flush();
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a version the champion.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Registry root, any Hadoop path.")
        String registry;
        @Parameters(paramLabel = "VERSION", description = "e.g. v0002")
        String version;
        @Option(names = "--reason", defaultValue = "manual promotion", description = "Recorded in the pointer log.")
        String reason;

        @Override
        public Integer call() throws Exception {
            ChampionPointer p = open(registry).promote(version, reason, null);
            spec.commandLine().getOut().println("champion: " + p.version() + " (was " + p.previous() + ")");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Make the previous champion the champion again (repeat to go further back).")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--registry", required = true, paramLabel = "DIR", description = "Registry root, any Hadoop path.")
        String registry;
        @Option(names = "--reason", defaultValue = "manual rollback", description = "Recorded in the pointer log.")
        String reason;

        @Override
        public Integer call() throws Exception {
            ModelRegistry r = open(registry);
            String before = r.champion().map(ChampionPointer::version).orElse(null);
            ChampionPointer p = r.rollback(reason);
            spec.commandLine().getOut().println("champion: " + p.version() + " (was " + before + ")");
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private static String top1(Object numbers) {
        if (numbers instanceof Map<?, ?> m && m.get("top1") instanceof Number n) {
            return String.format(Locale.ROOT, "%.4f", n.doubleValue());
        }
        return "-";
    }
}
