package io.vilspark.config;

/**
 * Refuses HOCON text nested deeper than any configuration needs, before Typesafe's recursive parser
 * sees it: a few thousand brackets would otherwise end in a StackOverflowError instead of an error
 * that names the file. Brackets inside quoted strings and comments are not counted; an unquoted
 * string with brackets may count too many, which the generous limit absorbs.
 */
final class HoconNesting {
    static final int MAX_DEPTH = 64;

    private HoconNesting() {
    }

    static void check(String text, String location) {
        int depth = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
            } else if (c == '"') {
                i = endOfQuoted(text, i + 1);
            } else if (c == '#' || text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else {
                if (c == '{' || c == '[') {
                    depth++;
                    if (depth > MAX_DEPTH) {
                        throw new ConfigException(location, null, "objects or lists nested more than " + MAX_DEPTH
                                + " levels deep");
                    }
                } else if (c == '}' || c == ']') {
                    depth = Math.max(0, depth - 1);
                }
                i++;
            }
        }
    }

    /** The index after the closing quote of a string starting at {@code from} (escapes skipped). */
    private static int endOfQuoted(String text, int from) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"' || c == '\n') {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }
}
