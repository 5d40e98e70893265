package io.vilspark.interop;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An allow-list unpickler for the subset of Python's pickle protocol (0-5 binary opcodes) that
 * {@code torch.save} uses for a state_dict. It never runs code: a GLOBAL resolves only to objects
 * from the allow-list given to it (anything else is refused by name), and REDUCE only calls those.
 *
 * <p>Python values become: None -> null, bool -> Boolean, int -> Long (BigInteger if wider),
 * float -> Double, str -> String, bytes -> byte[], list -> ArrayList, tuple -> {@link PyTuple},
 * dict -> LinkedHashMap. Input size, stack, marks, memo and the number of created objects are
 * bounded, and every loop consumes input, so hostile bytes end in a
 * {@link CheckpointFormatException}, never a hang or an unchecked exception.
 */
final class RestrictedUnpickler {

    /** Resolves a persistent id (BINPERSID), e.g. torch's ('storage', type, key, location, numel). */
    @FunctionalInterface
    interface PersistentLoader {
        Object load(Object pid) throws CheckpointFormatException;
    }

    static final int MAX_STACK = 1 << 20;
    static final int MAX_MARKS = 10_000;
    static final int MAX_MEMO = 1 << 20;
    static final int MAX_OBJECTS = 1 << 23;
    private static final int MAX_GLOBAL_PART = 256;
    private static final int MAX_LONG1_BYTES = 64;
    private static final int HIGHEST_PROTOCOL = 5;

    // Opcodes, named as in CPython's pickle.py.
    private static final int MARK = '(';
    private static final int STOP = '.';
    private static final int POP = '0';
    private static final int POP_MARK = '1';
    private static final int DUP = '2';
    private static final int BINFLOAT = 'G';
    private static final int BININT = 'J';
    private static final int BININT1 = 'K';
    private static final int BININT2 = 'M';
    private static final int NONE = 'N';
    private static final int BINPERSID = 'Q';
    private static final int REDUCE = 'R';
    private static final int BINSTRING = 'T';
    private static final int SHORT_BINSTRING = 'U';
    private static final int BINUNICODE = 'X';
    private static final int BINBYTES = 'B';
    private static final int SHORT_BINBYTES = 'C';
    private static final int APPEND = 'a';
    private static final int BUILD = 'b';
    private static final int GLOBAL = 'c';
    private static final int DICT = 'd';
    private static final int EMPTY_DICT = '}';
    private static final int APPENDS = 'e';
    private static final int BINGET = 'h';
    private static final int LONG_BINGET = 'j';
    private static final int LIST = 'l';
    private static final int EMPTY_LIST = ']';
    private static final int BINPUT = 'q';
    private static final int LONG_BINPUT = 'r';
    private static final int SETITEM = 's';
    private static final int TUPLE = 't';
    private static final int EMPTY_TUPLE = ')';
    private static final int SETITEMS = 'u';
    private static final int PROTO = 0x80;
    private static final int TUPLE1 = 0x85;
    private static final int TUPLE2 = 0x86;
    private static final int TUPLE3 = 0x87;
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int LONG1 = 0x8a;
    private static final int SHORT_BINUNICODE = 0x8c;
    private static final int BINUNICODE8 = 0x8d;
    private static final int BINBYTES8 = 0x8e;
    private static final int STACK_GLOBAL = 0x93;
    private static final int MEMOIZE = 0x94;
    private static final int FRAME = 0x95;

    /** Opcodes we know but refuse, named so that the error says what the pickle tried. */
    private static final Map<Integer, String> REFUSED = Map.ofEntries(
            Map.entry((int) 'i', "INST"), Map.entry((int) 'o', "OBJ"), Map.entry(0x81, "NEWOBJ"),
            Map.entry(0x92, "NEWOBJ_EX"), Map.entry(0x82, "EXT1"), Map.entry(0x83, "EXT2"),
            Map.entry(0x84, "EXT4"), Map.entry((int) 'P', "PERSID"), Map.entry((int) 'I', "INT"),
            Map.entry((int) 'L', "LONG"), Map.entry((int) 'S', "STRING"), Map.entry((int) 'V', "UNICODE"),
            Map.entry((int) 'F', "FLOAT"), Map.entry((int) 'p', "PUT"), Map.entry((int) 'g', "GET"),
            Map.entry(0x8b, "LONG4"), Map.entry(0x8f, "EMPTY_SET"), Map.entry(0x90, "ADDITEMS"),
            Map.entry(0x91, "FROZENSET"), Map.entry(0x96, "BYTEARRAY8"), Map.entry(0x97, "NEXT_BUFFER"),
            Map.entry(0x98, "READONLY_BUFFER"));

    private final byte[] in;
    private final String source;
    private final Map<String, Object> allowedGlobals;
    private final PersistentLoader persistentLoader;

    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private final Map<Long, Object> memo = new HashMap<>();
    private int pos;
    private int opcodeStart;
    private long objectsCreated;

    /**
     * @param pickle          the complete pickle bytes
     * @param source          names the file in errors
     * @param allowedGlobals  "module name" (as in {@code collections OrderedDict}) -> the object it stands for
     * @param persistentLoader resolves BINPERSID ids
     */
    RestrictedUnpickler(byte[] pickle, String source, Map<String, Object> allowedGlobals,
                        PersistentLoader persistentLoader) {
        this.in = pickle;
        this.source = source;
        this.allowedGlobals = allowedGlobals;
        this.persistentLoader = persistentLoader;
    }

    /** Runs the pickle program and returns the object left by STOP. */
    Object load() throws CheckpointFormatException {
        while (true) {
            opcodeStart = pos;
            int op = u8();
            switch (op) {
                case PROTO -> {
                    int protocol = u8();
                    if (protocol > HIGHEST_PROTOCOL) {
                        throw error("unsupported pickle protocol " + protocol);
                    }
                }
                case FRAME -> {
                    long frameLength = i64();
                    if (frameLength < 0 || frameLength > in.length - pos) {
                        throw error("FRAME length " + frameLength + " exceeds the remaining pickle");
                    }
                }
                case STOP -> {
                    return stop();
                }
                case MARK -> pushMark();
                case POP -> pop();
                case POP_MARK -> popMark();
                case DUP -> push(peek());
                case NONE -> pushNew(null);
                case NEWTRUE -> pushNew(Boolean.TRUE);
                case NEWFALSE -> pushNew(Boolean.FALSE);
                case BININT -> pushNew((long) i32());
                case BININT1 -> pushNew((long) u8());
                case BININT2 -> pushNew((long) u16());
                case LONG1 -> pushNew(long1());
                case BINFLOAT -> pushNew(Double.longBitsToDouble(bigEndianI64()));
                case BINUNICODE, BINSTRING -> pushNew(utf8(length(u32())));
                case SHORT_BINUNICODE, SHORT_BINSTRING -> pushNew(utf8(u8()));
                case BINUNICODE8 -> pushNew(utf8(length(i64())));
                case BINBYTES -> pushNew(bytes(length(u32())));
                case SHORT_BINBYTES -> pushNew(bytes(u8()));
                case BINBYTES8 -> pushNew(bytes(length(i64())));
                case EMPTY_DICT -> pushNew(new LinkedHashMap<>());
                case EMPTY_LIST -> pushNew(new ArrayList<>());
                case EMPTY_TUPLE -> pushNew(new PyTuple(new ArrayList<>()));
                case TUPLE -> pushNew(new PyTuple(popMark()));
                case TUPLE1, TUPLE2, TUPLE3 -> pushNew(new PyTuple(popItems(op - TUPLE1 + 1)));
                case LIST -> pushNew(new ArrayList<>(popMark()));
                case DICT -> {
                    LinkedHashMap<Object, Object> dict = new LinkedHashMap<>();
                    putPairs(dict, popMark());
                    pushNew(dict);
                }
                case APPEND -> {
                    Object value = pop();
                    listAtTop().add(value);
                }
                case APPENDS -> {
                    List<Object> values = popMark();
                    listAtTop().addAll(values);
                }
                case SETITEM -> {
                    Object value = pop();
                    Object key = pop();
                    putPairs(dictAtTop(), Arrays.asList(key, value));
                }
                case SETITEMS -> {
                    List<Object> pairs = popMark();
                    putPairs(dictAtTop(), pairs);
                }
                case BINPUT -> memoPut(u8());
                case LONG_BINPUT -> memoPut(u32());
                case MEMOIZE -> memoPut(memo.size());
                case BINGET -> push(memoGet(u8()));
                case LONG_BINGET -> push(memoGet(u32()));
                case GLOBAL -> pushNew(global(line(), line()));
                case STACK_GLOBAL -> {
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error("STACK_GLOBAL needs two strings, found " + Printable.typeOf(module)
                                + " and " + Printable.typeOf(name));
                    }
                    pushNew(global(m, n));
                }
                case REDUCE -> {
                    Object args = pop();
                    Object callable = pop();
                    pushNew(reduce(callable, args));
                }
                case BUILD -> build();
                case BINPERSID -> {
                    Object pid = pop();
                    pushNew(persistentLoader.load(pid));
                }
                default -> throw unsupportedOpcode(op);
            }
        }
    }

    private Object stop() throws CheckpointFormatException {
        if (markCount != 0 || stack.size() != 1) {
            throw error("STOP with " + stack.size() + " objects and " + markCount
                    + " open MARKs on the stack (expected exactly one object)");
        }
        if (pos != in.length) {
            throw error((in.length - pos) + " unexpected bytes after STOP");
        }
        return stack.get(0);
    }

    private CheckpointFormatException unsupportedOpcode(int op) {
        String name = REFUSED.get(op);
        return error("unsupported pickle opcode 0x" + String.format("%02x", op)
                + (name != null ? " (" + name + "), which a torch state_dict never needs" : " (unknown)"));
    }

    // ---- globals, calls, BUILD ----

    private Object global(String module, String name) throws CheckpointFormatException {
        String qualified = module + " " + name;
        if (!allowedGlobals.containsKey(qualified)) {
            throw new CheckpointFormatException(source, "pickle refers to global " + Printable.quote(qualified)
                    + ", which is not allowed in a state_dict (pickle byte " + opcodeStart + ")");
        }
        return allowedGlobals.get(qualified);
    }

    private Object reduce(Object callable, Object args) throws CheckpointFormatException {
        if (!(callable instanceof PickleCallable function)) {
            throw error("REDUCE on a " + Printable.typeOf(callable) + ", which is not callable");
        }
        if (!(args instanceof PyTuple tuple)) {
            throw error("REDUCE arguments must be a tuple, found " + Printable.typeOf(args));
        }
        return function.call(tuple);
    }

    /** BUILD sets instance state; the only instances we create are OrderedDicts, whose _metadata we drop. */
    private void build() throws CheckpointFormatException {
        Object state = pop();
        Object target = peek();
        if (!(target instanceof Map)) {
            throw error("BUILD on a " + Printable.typeOf(target) + " is not supported");
        }
        if (!(state instanceof Map) && !(state instanceof PyTuple)) {
            throw error("BUILD state must be a dict or tuple, found " + Printable.typeOf(state));
        }
    }

    // ---- containers ----

    @SuppressWarnings("unchecked")
    private List<Object> listAtTop() throws CheckpointFormatException {
        Object top = peek();
        if (!(top instanceof ArrayList)) {
            throw error("APPEND to a " + Printable.typeOf(top) + ", expected a list");
        }
        return (List<Object>) top;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictAtTop() throws CheckpointFormatException {
        Object top = peek();
        if (!(top instanceof LinkedHashMap)) {
            throw error("SETITEM on a " + Printable.typeOf(top) + ", expected a dict");
        }
        return (Map<Object, Object>) top;
    }

    private void putPairs(Map<Object, Object> dict, List<Object> pairs) throws CheckpointFormatException {
        if (pairs.size() % 2 != 0) {
            throw error("odd number of items (" + pairs.size() + ") for dict keys and values");
        }
        for (int i = 0; i < pairs.size(); i += 2) {
            dict.put(hashableKey(pairs.get(i)), pairs.get(i + 1));
        }
    }

    /** Only flat keys: hashing a (possibly deep or cyclic) container could overflow the stack. */
    private Object hashableKey(Object key) throws CheckpointFormatException {
        if (key == null || key instanceof String || key instanceof Long || key instanceof BigInteger
                || key instanceof Boolean || key instanceof Double) {
            return key;
        }
        throw error("unsupported dict key of type " + Printable.typeOf(key));
    }

    // ---- stack, marks, memo ----

    private void push(Object value) throws CheckpointFormatException {
        if (stack.size() >= MAX_STACK) {
            throw error("pickle stack deeper than " + MAX_STACK);
        }
        stack.add(value);
    }

    private void pushNew(Object value) throws CheckpointFormatException {
        if (++objectsCreated > MAX_OBJECTS) {
            throw error("pickle creates more than " + MAX_OBJECTS + " objects");
        }
        push(value);
    }

    private int stackBase() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private Object pop() throws CheckpointFormatException {
        if (stack.size() <= stackBase()) {
            throw error("stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws CheckpointFormatException {
        if (stack.size() <= stackBase()) {
            throw error("stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popItems(int n) throws CheckpointFormatException {
        if (stack.size() - stackBase() < n) {
            throw error("stack underflow");
        }
        List<Object> top = stack.subList(stack.size() - n, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private void pushMark() throws CheckpointFormatException {
        if (markCount >= MAX_MARKS) {
            throw error("more than " + MAX_MARKS + " nested MARKs");
        }
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = stack.size();
    }

    /** Removes and returns everything above the innermost MARK. */
    private List<Object> popMark() throws CheckpointFormatException {
        if (markCount == 0) {
            throw error("no MARK on the stack");
        }
        int base = marks[--markCount];
        List<Object> top = stack.subList(base, stack.size());
        List<Object> items = new ArrayList<>(top);
        top.clear();
        return items;
    }

    private void memoPut(long index) throws CheckpointFormatException {
        Object value = peek();
        if (!memo.containsKey(index) && memo.size() >= MAX_MEMO) {
            throw error("pickle memo larger than " + MAX_MEMO + " entries");
        }
        memo.put(index, value);
    }

    private Object memoGet(long index) throws CheckpointFormatException {
        if (!memo.containsKey(index)) {
            throw error("memo entry " + index + " is read before it is written");
        }
        return memo.get(index);
    }

    // ---- reading the opcode arguments ----

    private void need(long n) throws CheckpointFormatException {
        if (n > in.length - pos) {
            throw error("pickle is truncated (needs " + n + " more bytes, " + (in.length - pos) + " left)");
        }
    }

    private int u8() throws CheckpointFormatException {
        need(1);
        return in[pos++] & 0xFF;
    }

    private int u16() throws CheckpointFormatException {
        need(2);
        int v = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    private int i32() throws CheckpointFormatException {
        need(4);
        int v = (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF) << 16 | (in[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private long u32() throws CheckpointFormatException {
        return i32() & 0xFFFFFFFFL;
    }

    private long i64() throws CheckpointFormatException {
        long low = u32();
        long high = u32();
        return low | high << 32;
    }

    private long bigEndianI64() throws CheckpointFormatException {
        need(8);
        long v = ByteBuffer.wrap(in, pos, 8).getLong();
        pos += 8;
        return v;
    }

    /** A length prefix, checked against the bytes that are really left. */
    private int length(long declared) throws CheckpointFormatException {
        if (declared < 0) {
            throw error("negative length " + declared);
        }
        need(declared);
        return (int) declared;
    }

    private Object long1() throws CheckpointFormatException {
        int n = u8();
        if (n > MAX_LONG1_BYTES) {
            throw error("LONG1 integer of " + n + " bytes is too large");
        }
        need(n);
        byte[] bigEndian = new byte[Math.max(n, 1)];
        for (int i = 0; i < n; i++) {
            bigEndian[n - 1 - i] = in[pos + i];
        }
        pos += n;
        BigInteger value = new BigInteger(bigEndian);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private byte[] bytes(int n) throws CheckpointFormatException {
        need(n);
        byte[] out = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return out;
    }

    private String utf8(int n) throws CheckpointFormatException {
        need(n);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw error("string is not valid UTF-8");
        }
    }

    /** One newline-terminated ASCII line of a GLOBAL opcode, short and printable. */
    private String line() throws CheckpointFormatException {
        int start = pos;
        while (true) {
            int c = u8();
            if (c == '\n') {
                return new String(in, start, pos - 1 - start, StandardCharsets.US_ASCII);
            }
            if (c < 0x20 || c >= 0x7f || pos - start > MAX_GLOBAL_PART) {
                throw error("malformed GLOBAL name");
            }
        }
    }

    private CheckpointFormatException error(String problem) {
        return new CheckpointFormatException(source, "bad pickle at byte " + opcodeStart + ": " + problem);
    }
}
