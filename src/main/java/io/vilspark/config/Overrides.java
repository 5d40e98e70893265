package io.vilspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.util.List;

/** Command-line {@code key=value} settings in HOCON syntax ({@code dim=96}, {@code input_shape=[1,28,28]}). */
final class Overrides {
    private Overrides() {
    }

    /** All overrides as one Config; a later one wins over an earlier one for the same key. */
    static Config parse(List<String> overrides) {
        Config merged = ConfigFactory.empty();
        for (String text : overrides) {
            merged = parseOne(text).withFallback(merged);
        }
        return merged;
    }

    /**
     * Overrides relative to one section: {@code dim=96} and {@code model.dim=96} both set
     * {@code dim} of section {@code model}.
     */
    static Config parseWithin(List<String> overrides, String section) {
        Config merged = ConfigFactory.empty();
        for (String text : overrides) {
            Config one = parseOne(text);
            if (one.root().size() == 1 && one.root().get(section) instanceof ConfigObject inner) {
                one = inner.toConfig();
            }
            merged = one.withFallback(merged);
        }
        return merged;
    }

    /** Where an override came from, as messages show it. */
    static String describe(String text) {
        return "command-line override '" + text + "'";
    }

    private static Config parseOne(String text) {
        String origin = describe(text);
        if (text == null || text.isBlank()) {
            throw new ConfigException(origin, null, "empty override; expected key=value");
        }
        try {
            Config parsed = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(origin));
            if (parsed.isEmpty()) {
                throw new ConfigException(origin, null, "sets nothing; expected key=value");
            }
            return parsed;
        } catch (com.typesafe.config.ConfigException e) {
            String key = text.split("[=:{\\s]", 2)[0];
            throw new ConfigException(origin, key.isEmpty() ? null : key,
                    "expected key=value in HOCON syntax (" + ConfigException.fromTypesafe(e).problem() + ")", e);
        }
    }
}
