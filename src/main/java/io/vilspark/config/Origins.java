package io.vilspark.config;

import com.typesafe.config.ConfigOrigin;
import java.util.Set;

/** Short "where is it" texts for messages, compiler style: {@code conf/models/demo.conf:7}. */
public final class Origins {
    /** Descriptions Typesafe gives values that came from code, not from a file the user can open. */
    private static final Set<String> ANONYMOUS = Set.of("String", "hardcoded value", "Reader");

    private Origins() {
    }

    /** @param fallback what to say when the origin names no file (e.g. the caller's source name) */
    public static String describe(ConfigOrigin origin, String fallback) {
        if (origin == null) {
            return fallback;
        }
        String where = null;
        if (origin.filename() != null) {
            where = origin.filename();
        } else if (origin.resource() != null) {
            where = "classpath:" + origin.resource();
        } else if (origin.url() != null) {
            where = origin.url().toString();
        }
        if (where != null) {
            return origin.lineNumber() > 0 ? where + ":" + origin.lineNumber() : where;
        }
        // e.g. "command-line override 'dim=96': 1": the line of a one-line text says nothing
        String description = origin.description() == null ? "" : origin.description().replaceFirst(": \\d+$", "");
        if (description.isEmpty() || ANONYMOUS.contains(description) || description.startsWith("merge of")) {
            return fallback != null ? fallback : (description.isEmpty() ? null : description);
        }
        return description;
    }
}
