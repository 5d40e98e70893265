package io.vilspark.config;

import io.vilspark.model.Pooling;
import io.vilspark.model.ViLConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the keyword arguments of the reference {@code VisionLSTM2(...)} (snake_case names, reference
 * defaults for missing keys) from a settings section into a {@link ViLConfig}. Arguments the
 * reference has but this implementation does not (mode "features", conv_kind "causal1d",
 * overlapping patches) are refused by name rather than silently ignored.
 */
final class ModelArguments {
    /** Every keyword argument of VisionLSTM2, in its signature order. */
    static final List<String> REFERENCE_KEYS = List.of("dim", "input_shape", "patch_size", "depth", "output_shape",
            "mode", "pooling", "drop_path_rate", "drop_path_decay", "stride", "legacy_norm", "conv_kind",
            "conv_kernel_size", "proj_bias", "norm_bias", "init_weights");

    /** The HOCON spelling of {@code output_shape = [classes]}; a section may use either, not both. */
    static final String NUM_CLASSES = "num_classes";

    /** Where the arguments come from decides the few keys beyond the reference's own. */
    enum Dialect {
        /** A golden config.json also carries the RNG {@code seed} the weights were drawn with. */
        REFERENCE_JSON("seed"),
        /** HOCON sections may say {@code num_classes = 10} instead of {@code output_shape = [10]}. */
        HOCON(NUM_CLASSES);

        private final List<String> keys;

        Dialect(String extraKey) {
            List<String> all = new ArrayList<>(REFERENCE_KEYS);
            all.add(extraKey);
            this.keys = List.copyOf(all);
        }

        List<String> keys() {
            return keys;
        }
    }

    private static final Pattern KEY_IN_MODEL_MESSAGE = Pattern.compile("'([a-z_]+)'");

    private ModelArguments() {
    }

    static ViLConfig read(SettingsBlock s, Dialect dialect) {
        rejectUnknownKeys(s, dialect);
        ViLConfig.Builder b = ViLConfig.builder();
        if (s.has("dim")) {
            b.dim(s.integer("dim", v -> v > 0 && v % 2 == 0, "a positive even integer"));
        }
        if (s.has("depth")) {
            b.depth(s.integer("depth", v -> v > 0, "a positive integer"));
        }
        int patch = readPatchSize(s);
        b.patchSize(patch);
        checkStride(s, patch);
        if (s.has("input_shape")) {
            List<Integer> shape = s.integers("input_shape", 3, v -> v > 0,
                    "a list of 3 positive integers [channels, height, width]");
            b.inputShape(shape.get(0), shape.get(1), shape.get(2));
        }
        checkMode(s);
        readClasses(s, dialect, b);
        if (s.has("pooling")) {
            b.pooling(readPooling(s));
        }
        if (s.has("drop_path_rate")) {
            b.dropPathRate(s.number("drop_path_rate", v -> v >= 0 && v < 1, "a number in [0, 1)"));
        }
        if (s.has("drop_path_decay")) {
            b.dropPathDecay(s.bool("drop_path_decay"));
        }
        if (s.has("legacy_norm")) {
            b.legacyNorm(s.bool("legacy_norm"));
        }
        if (s.has("proj_bias")) {
            b.projBias(s.bool("proj_bias"));
        }
        if (s.has("norm_bias")) {
            b.normBias(s.bool("norm_bias"));
        }
        checkConv(s);
        if (s.has("init_weights")) {
            String init = s.string("init_weights", "\"original\"");
            if (!init.equals("original")) {
                throw s.error("init_weights", "only \"original\" (the reference's initialisation) is supported, got "
                        + PlainValues.render(init));
            }
        }
        if (dialect == Dialect.REFERENCE_JSON && s.has("seed")) {
            // the seed the golden weights were drawn with: type-checked, but no part of the architecture
            s.integral("seed", v -> true, "an integer");
        }
        return build(s, b);
    }

    private static void rejectUnknownKeys(SettingsBlock s, Dialect dialect) {
        List<String> known = dialect.keys();
        for (String key : s.keys()) {
            if (!known.contains(key)) {
                List<String> knownPaths = known.stream().map(s::path).collect(Collectors.toList());
                throw s.error(key, KeySuggestions.unknownKey(s.path(key), knownPaths));
            }
        }
    }

    /** The reference accepts an int or a pair; only square patches exist in ViL. */
    private static int readPatchSize(SettingsBlock s) {
        if (!s.has("patch_size")) {
            return ViLConfig.builder().build().patchSize(); // the reference default, as ViLConfig knows it
        }
        if (s.isList("patch_size")) {
            List<Integer> pair = s.integers("patch_size", 2, v -> v > 0,
                    "a positive integer or a list of two equal positive integers");
            if (!pair.get(0).equals(pair.get(1))) {
                throw s.error("patch_size", "only square patches are supported, got " + pair);
            }
            return pair.get(0);
        }
        return s.integer("patch_size", v -> v > 0, "a positive integer or a list of two equal positive integers");
    }

    /** stride = null means stride = patch_size; anything else would make overlapping (or gapped) patches. */
    private static void checkStride(SettingsBlock s, int patch) {
        if (!s.has("stride") || s.isNull("stride")) {
            return;
        }
        String expected = "null or the patch size " + patch;
        int stride;
        if (s.isList("stride")) {
            List<Integer> pair = s.integers("stride", 2, v -> v > 0, expected);
            stride = pair.get(0).equals(pair.get(1)) ? pair.get(0) : -1;
        } else {
            stride = s.integer("stride", v -> v > 0, expected);
        }
        if (stride != patch) {
            throw s.error("stride", "only stride = patch_size (non-overlapping patches, the shard layout) is supported;"
                    + " expected " + expected + ", got " + PlainValues.render(s.raw("stride")));
        }
    }

    private static void checkMode(SettingsBlock s) {
        if (!s.has("mode")) {
            return;
        }
        String mode = s.string("mode", "\"classifier\"");
        if (mode.equals("features")) {
            throw s.error("mode", "mode \"features\" (no head) is not supported yet; use \"classifier\"");
        }
        if (!mode.equals("classifier")) {
            throw s.error("mode", "expected \"classifier\", got " + PlainValues.render(mode));
        }
    }

    private static void readClasses(SettingsBlock s, Dialect dialect, ViLConfig.Builder b) {
        Integer fromShape = null;
        if (s.has("output_shape")) {
            fromShape = s.integers("output_shape", 1, v -> v > 0, "a list of one positive integer [classes]").get(0);
            b.numClasses(fromShape);
        }
        if (dialect == Dialect.HOCON && s.has(NUM_CLASSES)) {
            int classes = s.integer(NUM_CLASSES, v -> v > 0, "a positive integer");
            if (fromShape != null && fromShape != classes) {
                throw s.error(NUM_CLASSES, classes + " contradicts " + s.path("output_shape") + " = [" + fromShape
                        + "]; give only one of them");
            }
            b.numClasses(classes);
        }
    }

    private static Pooling readPooling(SettingsBlock s) {
        String names = Arrays.stream(Pooling.values()).map(p -> "\"" + p.referenceName() + "\"")
                .collect(Collectors.joining(" or "));
        if (s.isNull("pooling")) {
            throw s.error("pooling", "null (no pooling) is only for mode \"features\", not supported; expected " + names);
        }
        String name = s.string("pooling", names);
        try {
            return Pooling.fromReferenceName(name);
        } catch (IllegalArgumentException e) {
            throw s.error("pooling", e.getMessage());
        }
    }

    private static void checkConv(SettingsBlock s) {
        if (s.has("conv_kind")) {
            String kind = s.string("conv_kind", "\"2d\"");
            if (kind.equals("causal1d")) {
                throw s.error("conv_kind", "conv_kind \"causal1d\" is not supported; the model implements the"
                        + " reference's default 2-D depthwise conv (\"2d\")");
            }
            if (!kind.equals("2d")) {
                throw s.error("conv_kind", "expected \"2d\", got " + PlainValues.render(kind));
            }
        }
        if (s.has("conv_kernel_size")) {
            // VisionLSTM2 does not forward conv_kernel_size to its blocks: the depthwise conv is always
            // 3x3 there, whatever the value. We accept any integer and ignore it the same way, so every
            // reference config.json loads and the model stays the reference's.
            s.integer("conv_kernel_size", v -> true, "an integer");
        }
    }

    /** Cross-key rules live in ViLConfig; its message names the argument, which we turn into the full path. */
    private static ViLConfig build(SettingsBlock s, ViLConfig.Builder b) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw s.error(keyNamedIn(s, e.getMessage()), e.getMessage());
        }
    }

    private static String keyNamedIn(SettingsBlock s, String message) {
        Matcher m = KEY_IN_MODEL_MESSAGE.matcher(String.valueOf(message));
        if (!m.find() || !REFERENCE_KEYS.contains(m.group(1))) {
            return null;
        }
        String key = m.group(1);
        if (key.equals("output_shape") && !s.has("output_shape") && s.has(NUM_CLASSES)) {
            return NUM_CLASSES;
        }
        return key;
    }
}
