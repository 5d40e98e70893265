package io.vilspark.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import io.vilspark.config.ConfigException;
import io.vilspark.config.JobConfig;
import io.vilspark.config.ModelConfigs;
import io.vilspark.model.ViLConfig;

/**
 * A training recipe file: a {@code model { ... }} block (VisionLSTM2's arguments) and a
 * {@code train { ... }} block over the defaults of {@code conf/jobs/train.conf}, with command-line
 * overrides ({@code train.epochs=3}, {@code model.dim=96}). Built-in recipes live in
 * {@code conf/recipes/<name>.conf} (in the job jar: classpath {@code recipes/<name>.conf}).
 *
 * @param model  the architecture as written (the recipe's {@code drop_path} is applied by {@link TrainingGraph})
 * @param recipe the training settings
 * @param config the whole merged configuration, for the parts other stages read (e.g. {@code train.augment})
 */
public record RecipeFile(ViLConfig model, TrainingRecipe recipe, Config config) {
    public static final List<String> BUILT_IN =
            List.of("demo", "vil2-tiny-imagenet", "vil2-small-imagenet", "vil2-base-imagenet");

    static final String RESOURCE_DIR = "recipes/";
    static final Path FILE_DIR = Path.of("conf", "recipes");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * @param nameOrFile a built-in recipe name ({@code demo}) or a local {@code .conf} file
     * @param overrides  {@code key=value} in HOCON syntax, full paths
     */
    public static RecipeFile load(String nameOrFile, List<String> overrides) {
        Config defaults = TrainingDefaults.load();
        Config merged;
        String source;
        if (nameOrFile.endsWith(".conf")) {
            source = nameOrFile;
            merged = JobConfig.load(defaults, Optional.of(Path.of(nameOrFile)), overrides);
        } else {
            source = "recipe '" + nameOrFile + "'";
            merged = JobConfig.load(defaults, builtIn(nameOrFile), overrides);
        }
        ConfigObject model = merged.getObject(ModelConfigs.MODEL_SECTION);
        if (model.isEmpty()) {
            throw new ConfigException(source, ModelConfigs.MODEL_SECTION,
                    "no model { ... } block: a recipe names its architecture (keys of conf/models/*.conf)");
        }
        return new RecipeFile(ModelConfigs.fromHocon(model.toConfig(), source), TrainingRecipe.fromConfig(merged), merged);
    }

    /** A built-in recipe from the classpath, else from {@code conf/recipes} in the working directory. */
    private static Config builtIn(String name) {
        if (NAME.matcher(name).matches()) {
            String resource = RESOURCE_DIR + name + ".conf";
            ClassLoader loader = RecipeFile.class.getClassLoader();
            try {
                if (loader.getResource(resource) != null) {
                    return ConfigFactory.parseResources(loader, resource, ConfigParseOptions.defaults().setAllowMissing(false));
                }
                Path onDisk = FILE_DIR.resolve(name + ".conf");
                if (Files.isRegularFile(onDisk)) {
                    return ConfigFactory.parseFile(onDisk.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
                }
            } catch (com.typesafe.config.ConfigException e) {
                throw ConfigException.fromTypesafe(e);
            }
        }
        throw new ConfigException(null, null, "unknown recipe '" + name + "'; built-in recipes: "
                + String.join(", ", BUILT_IN) + " (or give a .conf file)");
    }
}
