package io.vilspark.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dict literal of a .npy header, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}.
 *
 * <p>Parsed by a tiny strict parser for exactly that subset of Python literal syntax (strings,
 * True/False, tuples of non-negative integers); nothing is ever evaluated.
 */
record NpyHeader(DType dtype, long[] shape) {

    static final int MAX_RANK = 64;

    /** Parses and validates the header text; {@code source} names the file in errors. */
    static NpyHeader parse(String text, String source) throws CheckpointFormatException {
        Map<String, Object> dict = new Parser(text, source).dict();
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new CheckpointFormatException(source, "npy header must have exactly the keys 'descr', "
                    + "'fortran_order' and 'shape', found " + quotedKeys(dict));
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw new CheckpointFormatException(source, "npy 'descr' must be a dtype string such as '<f4'; "
                    + "structured (record) dtypes are not supported");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new CheckpointFormatException(source, "npy 'fortran_order' must be True or False");
        }
        if (fortran) {
            throw new CheckpointFormatException(source, "npy array is stored in Fortran (column-major) order, "
                    + "only C order is supported (save it with numpy.ascontiguousarray)");
        }
        if (!(dict.get("shape") instanceof long[] shape)) {
            throw new CheckpointFormatException(source, "npy 'shape' must be a tuple of integers");
        }
        return new NpyHeader(dtypeOf(descr, source), shape);
    }

    private static DType dtypeOf(String descr, String source) throws CheckpointFormatException {
        switch (descr) {
            case "<f4": return DType.FLOAT32;
            case "<f8": return DType.FLOAT64;
            case "<i8": return DType.INT64;
            case "<i4": return DType.INT32;
            default: break;
        }
        if (descr.contains("O")) {
            throw new CheckpointFormatException(source, "npy dtype " + Printable.quote(descr)
                    + " holds pickled Python objects, which are never loaded");
        }
        if (descr.startsWith(">")) {
            throw new CheckpointFormatException(source, "npy dtype " + Printable.quote(descr)
                    + " is big-endian, only little-endian is supported");
        }
        throw new CheckpointFormatException(source, "unsupported npy dtype " + Printable.quote(descr)
                + " (supported: '<f4', '<f8', '<i8', '<i4')");
    }

    private static String quotedKeys(Map<String, Object> dict) {
        List<String> keys = new ArrayList<>();
        for (String k : dict.keySet()) {
            keys.add(Printable.quote(k));
        }
        return keys.toString();
    }

    /** Recursive-descent parser over the header characters; every step advances or fails. */
    private static final class Parser {
        private final String text;
        private final String source;
        private int pos;

        Parser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        Map<String, Object> dict() throws CheckpointFormatException {
            Map<String, Object> dict = new LinkedHashMap<>();
            skipSpace();
            expect('{');
            skipSpace();
            while (peek() != '}') {
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = value();
                if (dict.put(key, value) != null) {
                    throw error("duplicate key " + Printable.quote(key));
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            pos++;
            skipSpace();
            if (pos != text.length()) {
                throw error("unexpected text after the header dict");
            }
            return dict;
        }

        private Object value() throws CheckpointFormatException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '[') {
                throw error("lists are not supported (structured dtypes are not supported)");
            }
            throw error("unsupported value");
        }

        private long[] tuple() throws CheckpointFormatException {
            expect('(');
            List<Long> dims = new ArrayList<>();
            skipSpace();
            while (peek() != ')') {
                if (dims.size() == MAX_RANK) {
                    throw error("shape has more than " + MAX_RANK + " dimensions");
                }
                dims.add(integer());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    skipSpace();
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in shape");
                }
            }
            pos++;
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i);
            }
            return shape;
        }

        private long integer() throws CheckpointFormatException {
            if (peek() == '-') {
                throw error("negative dimension in shape");
            }
            int start = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos)) && text.charAt(pos) < 0x80) {
                pos++;
            }
            if (pos == start) {
                throw error("expected a non-negative integer in shape");
            }
            if (pos - start > 18) {
                throw error("dimension " + text.substring(start, Math.min(pos, start + 30)) + " is too large");
            }
            long value = Long.parseLong(text.substring(start, pos));
            if (peek() == 'L') {
                pos++; // Python 2 long suffix, written by old numpy versions
            }
            return value;
        }

        private String string() throws CheckpointFormatException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String s = text.substring(pos + 1, end);
            if (s.indexOf('\\') >= 0) {
                throw error("escape sequences are not supported in header strings");
            }
            pos = end + 1;
            return s;
        }

        private void skipSpace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\n'
                    || text.charAt(pos) == '\t' || text.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private char peek() throws CheckpointFormatException {
            if (pos >= text.length()) {
                throw error("header ends too early");
            }
            return text.charAt(pos);
        }

        private void expect(char c) throws CheckpointFormatException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private CheckpointFormatException error(String problem) {
            return new CheckpointFormatException(source, "malformed npy header at character " + pos + ": "
                    + problem + " in " + Printable.quote(text.strip()));
        }
    }
}
