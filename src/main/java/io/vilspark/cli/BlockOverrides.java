package io.vilspark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.typesafe.config.ConfigUtil;

/**
 * The {@code BLOCK.KEY=VALUE} overrides a command's named options make, after its {@code --set} values so that the
 * named options win; an option left out adds nothing, so the configuration file's value stays.
 */
final class BlockOverrides {
    private final String block;
    private final List<String> overrides;

    /** @param sets the {@code --set} values, as full keys */
    BlockOverrides(String block, List<String> sets) {
        this.block = block;
        this.overrides = new ArrayList<>(sets);
    }

    /** A string value, quoted as HOCON. */
    BlockOverrides text(String key, String value) {
        return value == null ? this : add(key, ConfigUtil.quoteString(value));
    }

    /** A number as it is. */
    BlockOverrides number(String key, Number value) {
        return value == null ? this : add(key, value.toString());
    }

    /** {@code key = true} when the flag is given. */
    BlockOverrides flag(String key, boolean given) {
        return given ? add(key, "true") : this;
    }

    /** A list of strings, when it has any. */
    BlockOverrides texts(String key, List<String> values) {
        return values == null || values.isEmpty() ? this
                : add(key, values.stream().map(ConfigUtil::quoteString).collect(Collectors.joining(",", "[", "]")));
    }

    List<String> list() {
        return List.copyOf(overrides);
    }

    private BlockOverrides add(String key, String value) {
        overrides.add(block + "." + key + "=" + value);
        return this;
    }
}
