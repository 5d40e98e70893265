package io.vilspark.config;

import com.typesafe.config.ConfigException.ValidationFailed;
import com.typesafe.config.ConfigException.ValidationProblem;
import com.typesafe.config.ConfigOrigin;
import java.util.Optional;

/**
 * A configuration the user gave is wrong. The message reads
 * {@code <where>: <key>: <problem>}, e.g.
 * {@code conf/models/vil2-tiny.conf:4: model.dimm: unknown key (did you mean 'model.dim'?)}, so the
 * user can go straight to the line to fix.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String location;
    private final String key;
    private final String problem;

    /**
     * @param location file (with line when known) or other source; null when there is none
     * @param key      full path of the offending key (HOCON path or JSON key); null only when the
     *                 problem is not about one key (unreadable file, syntax error)
     * @param problem  what is wrong, and what was expected
     */
    public ConfigException(String location, String key, String problem) {
        this(location, key, problem, null);
    }

    public ConfigException(String location, String key, String problem, Throwable cause) {
        super(message(location, key, problem), cause);
        this.location = location;
        this.key = key;
        this.problem = problem;
    }

    /** Rewraps Typesafe Config's own exception (syntax, wrong type, unresolved substitution). */
    public static ConfigException fromTypesafe(com.typesafe.config.ConfigException e) {
        if (e instanceof ValidationFailed failed && failed.problems().iterator().hasNext()) {
            ValidationProblem first = failed.problems().iterator().next();
            return new ConfigException(Origins.describe(first.origin(), null), first.path(), first.problem(), e);
        }
        ConfigOrigin origin = e.origin();
        String text = String.valueOf(e.getMessage());
        if (origin != null && text.startsWith(origin.description() + ": ")) {
            // Typesafe puts the origin first; we print our own, shorter one
            text = text.substring(origin.description().length() + 2);
        }
        return new ConfigException(Origins.describe(origin, null), null, text, e);
    }

    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    public String problem() {
        return problem;
    }

    private static String message(String location, String key, String problem) {
        StringBuilder sb = new StringBuilder();
        if (location != null) {
            sb.append(location).append(": ");
        }
        if (key != null) {
            sb.append(key).append(": ");
        }
        return sb.append(problem).toString();
    }
}
