package io.vilspark.train;

import java.util.List;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.vilspark.config.ConfigException;

/** The defaults of a training job, {@code conf/jobs/train.conf}: every key a recipe may set. */
final class TrainingDefaults {
    /**
     * Keys that hold real numbers. Typesafe Config reads a whole number written as {@code 1.0} as the
     * integer 1, and the job loader's type check would then refuse {@code grad_clip = 0.5}.
     */
    private static final List<String> REAL_NUMBERS =
            List.of("lr", "warmup_epochs", "end_lr", "weight_decay", "eps", "grad_clip");

    private TrainingDefaults() {
    }

    static Config load() {
        ClassLoader loader = TrainingDefaults.class.getClassLoader();
        if (loader.getResource(TrainingRecipe.DEFAULTS_RESOURCE) == null) {
            throw new IllegalStateException("classpath resource " + TrainingRecipe.DEFAULTS_RESOURCE
                    + " is missing (conf/ is not on the classpath)");
        }
        Config defaults;
        try {
            defaults = ConfigFactory.parseResources(loader, TrainingRecipe.DEFAULTS_RESOURCE,
                    ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw ConfigException.fromTypesafe(e);
        }
        for (String key : REAL_NUMBERS) {
            String path = TrainingRecipe.SECTION + "." + key;
            if (defaults.hasPath(path) && defaults.getValue(path).valueType() == ConfigValueType.NUMBER) {
                defaults = defaults.withValue(path, ConfigValueFactory.fromAnyRef(defaults.getDouble(path),
                        "classpath:" + TrainingRecipe.DEFAULTS_RESOURCE));
            }
        }
        return defaults;
    }
}
