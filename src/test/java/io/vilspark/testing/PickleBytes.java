package io.vilspark.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, for hostile and edge-case test inputs. */
public final class PickleBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public PickleBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    public PickleBytes proto2() {
        return raw(0x80, 2);
    }

    public PickleBytes global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        int n = b.length;
        raw(n & 0xFF, (n >>> 8) & 0xFF, (n >>> 16) & 0xFF, (n >>> 24) & 0xFF);
        out.writeBytes(b);
        return this;
    }

    /** The smallest integer opcode that holds a non-negative value. */
    public PickleBytes integer(long v) {
        if (v < 256) {
            return raw('K', (int) v);
        }
        if (v < 65536) {
            return raw('M', (int) v & 0xFF, (int) (v >>> 8) & 0xFF);
        }
        if (v <= Integer.MAX_VALUE) {
            return raw('J', (int) v & 0xFF, (int) (v >>> 8) & 0xFF, (int) (v >>> 16) & 0xFF, (int) (v >>> 24) & 0xFF);
        }
        raw(0x8a, 8); // LONG1, 8 bytes little-endian two's complement
        for (int i = 0; i < 8; i++) {
            raw((int) (v >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    public PickleBytes tupleOf(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return op('t');
    }

    public PickleBytes mark() {
        return op('(');
    }

    public PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    public PickleBytes emptyDict() {
        return op('}');
    }

    public PickleBytes emptyTuple() {
        return op(')');
    }

    public PickleBytes stop() {
        return op('.');
    }

    /**
     * One state_dict entry as torch writes it: key, then
     * {@code _rebuild_tensor_v2(persid('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}.
     * Must be inside a MARK ... SETITEMS of a dict.
     */
    public PickleBytes tensorEntry(String key, String storageClass, String storageKey, long storageNumel, long offset,
                            long[] size, long[] stride) {
        str(key);
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageClass).str(storageKey).str("cpu").integer(storageNumel).op('t');
        op('Q');
        integer(offset);
        tupleOf(size);
        tupleOf(stride);
        op(0x89); // NEWFALSE
        global("collections", "OrderedDict").emptyTuple().op('R');
        op('t');
        return op('R');
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
