package io.vilspark.interop;

/** Makes untrusted strings safe and short enough to put into an error message. */
final class Printable {

    private static final int MAX_CHARS = 120;

    private Printable() {
    }

    /** The string in single quotes, control characters escaped, cut after {@value #MAX_CHARS} chars. */
    static String quote(String s) {
        if (s == null) {
            return "None";
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8).append('\'');
        int limit = Math.min(s.length(), MAX_CHARS);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && Character.isISOControl(c))) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c == '\'' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        if (s.length() > limit) {
            out.append("...");
        }
        return out.append('\'').toString();
    }

    /** A short description of a value's type, never its (possibly huge or cyclic) content. */
    static String typeOf(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof Long || value instanceof java.math.BigInteger) {
            return "int";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Double) {
            return "float";
        }
        if (value instanceof byte[]) {
            return "bytes";
        }
        if (value instanceof java.util.List) {
            return "list";
        }
        if (value instanceof java.util.Map) {
            return "dict";
        }
        if (value instanceof PyTuple) {
            return "tuple";
        }
        if (value instanceof Tensor) {
            return "tensor";
        }
        return value.getClass().getSimpleName();
    }
}
