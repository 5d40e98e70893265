package io.vilspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.vilspark.config.ModelArguments.Dialect;
import io.vilspark.model.ViLConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a {@link ViLConfig} comes from: a preset name, the reference's own config.json, or the
 * {@code model { ... }} block of a HOCON file, plus command-line overrides. All of them use the
 * reference's snake_case argument names ({@code dim}, {@code patch_size}, {@code legacy_norm}, ...).
 */
public final class ModelConfigs {
    /** The HOCON block that holds the model arguments. */
    public static final String MODEL_SECTION = "model";

    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    private ModelConfigs() {
    }

    /** Reads a reference config.json ({@code VisionLSTM2(**kwargs)}, e.g. a golden case's). */
    public static ViLConfig fromReferenceJson(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), null, "cannot read: " + e, e);
        }
        return fromReferenceJson(json, file.toString());
    }

    /** @param sourceName what messages call the text, usually its file name */
    public static ViLConfig fromReferenceJson(String json, String sourceName) {
        return ModelArguments.read(ReferenceJson.parse(json, sourceName), Dialect.REFERENCE_JSON);
    }

    /** Every VisionLSTM2 keyword argument (reference order, defaults filled in), as a golden config.json has them. */
    public static Map<String, Object> toReferenceJsonMap(ViLConfig config) {
        Map<String, Object> arguments = new LinkedHashMap<>(config.toReferenceArguments());
        arguments.putIfAbsent("init_weights", "original");
        return arguments;
    }

    /** {@link #toReferenceJsonMap} as JSON laid out like the golden files ({@code json.dump(indent=2)}). */
    public static String toReferenceJson(ViLConfig config) {
        return ReferenceJson.write(toReferenceJsonMap(config));
    }

    /**
     * Reads a model block such as {@code model { dim = 192, num_classes = 1000 }}; missing keys take the
     * reference defaults. Messages name keys as {@code model.<key>}.
     *
     * @param modelSection the content of the block (not the document holding it)
     * @param sourceName   what messages call it when a value has no file of its own
     */
    public static ViLConfig fromHocon(Config modelSection, String sourceName) {
        Config resolved = HoconFiles.resolve(modelSection);
        return ModelArguments.read(SettingsBlock.ofHocon(resolved.root(), MODEL_SECTION, sourceName), Dialect.HOCON);
    }

    /**
     * The CLI's {@code --config PRESET|config.json|file.conf} with {@code key=value} overrides (HOCON
     * syntax, relative to the model block: {@code dim=96}, {@code input_shape=[1,28,28]}).
     */
    public static ViLConfig resolve(String presetOrFile, List<String> overrides) {
        Objects.requireNonNull(presetOrFile, "presetOrFile");
        Config modelOverrides = Overrides.parseWithin(overrides == null ? List.of() : overrides, MODEL_SECTION);
        if (presetOrFile.endsWith(".json")) {
            Path file = localPath(presetOrFile);
            ViLConfig base = fromReferenceJson(file);
            if (modelOverrides.isEmpty()) {
                return base;
            }
            // the JSON was validated strictly above; overrides then go through the HOCON reader like any other
            Config document = ConfigValueFactory.fromMap(toReferenceJsonMap(base)).atKey(MODEL_SECTION);
            return fromDocument(document, modelOverrides, file.toString());
        }
        if (presetOrFile.endsWith(".conf")) {
            Path file = localPath(presetOrFile);
            return fromDocument(HoconFiles.parse(file), modelOverrides, file.toString());
        }
        Config preset = ModelPresets.load(presetOrFile).orElseThrow(() -> new ConfigException(null, null,
                "unknown model preset '" + presetOrFile + "'; known presets: " + String.join(", ", ModelPresets.names())
                        + " (or give a reference config.json or a .conf file with a model { ... } block)"));
        return fromDocument(preset, modelOverrides, "model preset '" + presetOrFile + "'");
    }

    /** The model block of a HOCON document, overrides applied before substitutions are resolved. */
    private static ViLConfig fromDocument(Config document, Config modelOverrides, String sourceName) {
        if (!document.root().containsKey(MODEL_SECTION)) {
            throw new ConfigException(sourceName, MODEL_SECTION, "no model { ... } block");
        }
        Config base = document;
        // an override of the class count replaces the file's, whichever of the two spellings each uses
        if (modelOverrides.hasPathOrNull(ModelArguments.NUM_CLASSES)) {
            base = base.withoutPath(MODEL_SECTION + ".output_shape");
        }
        if (modelOverrides.hasPathOrNull("output_shape")) {
            base = base.withoutPath(MODEL_SECTION + "." + ModelArguments.NUM_CLASSES);
        }
        Config merged = HoconFiles.resolve(modelOverrides.atKey(MODEL_SECTION).withFallback(base));
        ConfigValue section = merged.root().get(MODEL_SECTION);
        if (!(section instanceof ConfigObject object)) {
            throw new ConfigException(Origins.describe(section.origin(), sourceName), MODEL_SECTION,
                    "expected a block { ... } of model arguments, got " + PlainValues.render(section.unwrapped()));
        }
        return fromHocon(object.toConfig(), sourceName);
    }

    /** Model configurations are small files next to the job: local paths or {@code file:} URIs. */
    private static Path localPath(String text) {
        if (text.startsWith("file:")) {
            try {
                return Path.of(URI.create(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(text, null, "not a file: URI of an absolute path (" + e.getMessage() + ")", e);
            }
        }
        if (URI_SCHEME.matcher(text).matches()) {
            throw new ConfigException(text, null,
                    "model configurations are read from the local file system; copy the file locally (or use file:)");
        }
        return Path.of(text);
    }
}
