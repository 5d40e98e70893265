package io.vilspark.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import io.vilspark.testing.PickleBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RestrictedUnpicklerTest {

    private static final Map<String, Object> ALLOWED = Map.of(
            "collections OrderedDict", (PickleCallable) args -> new java.util.LinkedHashMap<>(),
            "torch FloatStorage", TorchStorageType.FLOAT);

    private static Object load(byte[] pickle) throws CheckpointFormatException {
        return new RestrictedUnpickler(pickle, "test.pkl", ALLOWED, pid -> "storage:" + Printable.typeOf(pid)).load();
    }

    private static CheckpointFormatException refused(byte[] pickle) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(CheckpointFormatException.class, () -> load(pickle)));
    }

    @Test
    void readsContainersAndScalars() throws CheckpointFormatException {
        byte[] pickle = new PickleBytes().proto2().emptyDict().mark()
                .str("list").op(']').raw('q', 0).mark().integer(1).integer(70000).op(0x88).op('N').op('e')
                .str("tuple").tupleOf(3, 4)
                .str("float").raw('G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0)
                .str("neg").raw('J', 0xfe, 0xff, 0xff, 0xff)
                .str("long1").raw(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1)
                .str("same").raw('h', 0)
                .str("od").global("collections", "OrderedDict").emptyTuple().op('R')
                .op('u').stop().bytes();
        Map<?, ?> dict = assertInstanceOf(Map.class, load(pickle));
        List<?> list = assertInstanceOf(List.class, dict.get("list"));
        assertEquals(Arrays.asList(1L, 70000L, true, null), list);
        PyTuple tuple = assertInstanceOf(PyTuple.class, dict.get("tuple"));
        assertEquals(List.of(3L, 4L), tuple.items());
        assertEquals(1.5, dict.get("float"));
        assertEquals(-2L, dict.get("neg"));
        assertEquals(java.math.BigInteger.ONE.shiftLeft(64), dict.get("long1"));
        assertSame(list, dict.get("same"));
        assertInstanceOf(Map.class, dict.get("od"));
        assertEquals(List.of("list", "tuple", "float", "neg", "long1", "same", "od"), List.copyOf(dict.keySet()));
    }

    @Test
    void buildOnADictIsIgnored() throws CheckpointFormatException {
        byte[] pickle = new PickleBytes().proto2().global("collections", "OrderedDict").emptyTuple().op('R')
                .str("k").integer(1).op('s')
                .emptyDict().str("_metadata").emptyDict().op('s').op('b').stop().bytes();
        assertEquals(Map.of("k", 1L), load(pickle));
    }

    @Test
    void cyclicStructuresDoNotCrash() throws CheckpointFormatException {
        byte[] pickle = new PickleBytes().proto2().op(']').raw('q', 0).raw('h', 0).op('a').stop().bytes();
        List<?> list = assertInstanceOf(List.class, load(pickle));
        assertSame(list, list.get(0));
    }

    @ParameterizedTest
    @CsvSource({"os,system", "builtins,eval", "__builtin__,getattr", "subprocess,Popen", "posix,system",
        "torch,load", "collections,defaultdict", "torch._utils,_rebuild_tensor", "torch,HalfStorag"})
    void forbiddenGlobalsAreRefusedByName(String module, String name) {
        byte[] pickle = new PickleBytes().proto2().global(module, name).str("touch /tmp/pwned")
                .op(0x85).op('R').stop().bytes();
        CheckpointFormatException e = refused(pickle);
        assertTrue(e.getMessage().startsWith("test.pkl: pickle refers to global '" + module + " " + name
                + "', which is not allowed in a state_dict"), e.getMessage());
    }

    @Test
    void forbiddenStackGlobalIsRefusedByName() {
        byte[] pickle = new PickleBytes().proto2().str("os").str("system").op(0x93).stop().bytes();
        assertTrue(refused(pickle).getMessage().contains("'os system'"));
    }

    @ParameterizedTest
    @ValueSource(ints = {'i', 'o', 0x81, 0x92, 0x82, 'P', 'I', 'S', 'V', 'p', 'g', 0x8b, 0x8f, 0x90, 0x91, 0x96,
        0x97, 0x98, 0x00, 0xff, 'x', 'Z'})
    void unsupportedOpcodesAreRefused(int opcode) {
        CheckpointFormatException e = refused(new PickleBytes().proto2().op(opcode).raw('\n', '\n').stop().bytes());
        assertTrue(e.getMessage().contains("opcode 0x" + String.format("%02x", opcode)), e.getMessage());
    }

    @Test
    void structuralErrorsAreRefused() {
        refused(new PickleBytes().proto2().op('0').stop().bytes());                       // POP on empty
        refused(new PickleBytes().proto2().op(']').str("k").integer(1).op('s').stop().bytes()); // SETITEM on list
        refused(new PickleBytes().proto2().emptyDict().integer(1).op('a').stop().bytes());   // APPEND on dict
        refused(new PickleBytes().proto2().str("f").emptyTuple().op('R').stop().bytes());    // REDUCE on str
        refused(new PickleBytes().proto2().global("torch", "FloatStorage").emptyTuple().op('R').stop().bytes());
        refused(new PickleBytes().proto2().global("collections", "OrderedDict").integer(1).op('R').stop().bytes());
        refused(new PickleBytes().proto2().op(']').emptyDict().op('b').stop().bytes());      // BUILD on list
        refused(new PickleBytes().proto2().raw('h', 5).stop().bytes());                    // memo miss
        refused(new PickleBytes().proto2().op('t').stop().bytes());                        // TUPLE without MARK
        refused(new PickleBytes().proto2().mark().integer(1).stop().bytes());              // STOP inside MARK
        refused(new PickleBytes().proto2().integer(1).integer(2).stop().bytes());          // two results
        refused(new PickleBytes().proto2().integer(1).stop().integer(2).bytes());          // trailing bytes
        refused(new PickleBytes().proto2().mark().emptyTuple().integer(1).op('d').stop().bytes()); // tuple key
        refused(new PickleBytes().proto2().mark().str("a").op('d').stop().bytes());        // odd dict items
        refused(new PickleBytes().raw(0x80, 9).integer(1).stop().bytes());                // protocol 9
        refused(new PickleBytes().proto2().integer(1).bytes());                            // no STOP
        refused(new byte[0]);
    }

    @Test
    void lengthsLargerThanTheInputAreRefusedWithoutAllocating() {
        refused(new PickleBytes().proto2().raw('X', 0xff, 0xff, 0xff, 0xff).stop().bytes());
        refused(new PickleBytes().proto2().raw(0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).stop().bytes());
        refused(new PickleBytes().proto2().raw(0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff).stop().bytes());
        refused(new PickleBytes().proto2().raw(0x8e, 0, 0, 0, 0, 1, 0, 0, 0).stop().bytes());
        refused(new PickleBytes().proto2().raw('B', 0, 0, 0, 0x10).stop().bytes());
        refused(new PickleBytes().raw(0x80, 4, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff).stop().bytes());
        refused(new PickleBytes().proto2().raw('X', 2, 0, 0, 0, 0xc3, 0x28).stop().bytes()); // invalid UTF-8
        refused(new PickleBytes().proto2().raw(0x8a, 200).stop().bytes());
    }

    @Test
    void tooManyNestedMarksAreRefused() {
        byte[] marks = new byte[RestrictedUnpickler.MAX_MARKS + 10];
        Arrays.fill(marks, (byte) '(');
        PickleBytes pickle = new PickleBytes().proto2();
        for (byte b : marks) {
            pickle.op(b);
        }
        assertTrue(refused(pickle.stop().bytes()).getMessage().contains("MARK"));
    }

    @Test
    void everyPrefixOfAValidPickleIsRefused() {
        byte[] valid = new PickleBytes().proto2().emptyDict().mark().str("a").tupleOf(1, 300, 70000)
                .str("b").global("collections", "OrderedDict").emptyTuple().op('R').op('u').stop().bytes();
        for (int cut = 0; cut < valid.length; cut++) {
            refused(Arrays.copyOf(valid, cut));
        }
    }

    @Test
    void randomBytesOnlyEverGiveCheckpointFormatException() {
        Random random = new Random(1234);
        byte[] alphabet = "()0.12}]tlde]sua hjqrKMJGNXUTCBQRbc\u0085\u0086\u0087\u0088\u0089\u008a\u008c\u0094\u0093"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 5000; i++) {
                byte[] pickle = new byte[2 + random.nextInt(64)];
                pickle[0] = (byte) 0x80;
                pickle[1] = 2;
                for (int k = 2; k < pickle.length; k++) {
                    pickle[k] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
                }
                try {
                    load(pickle);
                } catch (CheckpointFormatException expected) {
                    // the only allowed failure
                }
            }
        });
    }

    @Test
    void noneBecomesNull() throws CheckpointFormatException {
        assertNull(load(new PickleBytes().proto2().op('N').stop().bytes()));
    }
}
