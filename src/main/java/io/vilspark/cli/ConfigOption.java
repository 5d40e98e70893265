package io.vilspark.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.vilspark.config.ConfigException;
import io.vilspark.config.ModelPresets;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --config FILE|PRESET}: the settings a command starts from, the same option in every command
 * that takes it. A command that builds a model reads its {@code model} block (or a reference config.json,
 * or a built-in preset); a job reads its own block ({@code evaluate { ... }}) over its defaults.
 */
final class ConfigOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--config", paramLabel = "FILE|PRESET",
            description = "Settings to start from: a HOCON file with the command's block (model { ... }, evaluate { ... }, "
                    + "...), a reference config.json (model arguments), or a built-in model preset (demo, vil2-tiny, "
                    + "vil2-small, vil2-base). --set goes over it. Without it: the command's defaults (conf/jobs), "
                    + "or its default model preset where it has one.")
    String value;

    /** No default: a job's own defaults, or a required model. */
    ConfigOption() {
    }

    /** @param preset the model preset used when {@code --config} is not given */
    ConfigOption(String preset) {
        this.value = preset;
    }

    /** A job's settings file, if one was given; a model preset is no job's settings. */
    Optional<Path> jobFile() {
        if (value == null) {
            return Optional.empty();
        }
        Path file = Path.of(value);
        if (!Files.exists(file) && ModelPresets.load(value).isPresent()) {
            throw new ConfigException(value, null, "a model preset holds no settings of vil " + command.name()
                    + "; give a HOCON file");
        }
        return Optional.of(file);
    }

    /** A model's preset or file; the option is required where it has no default. */
    String model() {
        if (value == null) {
            throw new ParameterException(command.commandLine(), "Missing required option: '--config=FILE|PRESET'");
        }
        return value;
    }
}
