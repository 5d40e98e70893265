package io.vilspark.cli;

import java.util.ArrayList;
import java.util.List;

import io.vilspark.config.ModelConfigs;
import io.vilspark.model.ViLConfig;
import picocli.CommandLine.Option;

/** {@code --config} and {@code --set}: where a command's model architecture comes from. */
final class ModelConfigOptions {

    @Option(names = "--config", required = true, paramLabel = "PRESET|FILE",
            description = "Model preset (vil2-tiny, vil2-small, vil2-base, demo), a reference config.json "
                    + "(VisionLSTM2 constructor arguments) or a .conf file with a model { ... } block.")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one model argument, HOCON syntax (e.g. --set dim=96 --set "
                    + "input_shape=[1,28,28]). Repeatable.")
    List<String> overrides = new ArrayList<>();

    ViLConfig resolve() {
        return ModelConfigs.resolve(config, overrides);
    }
}
