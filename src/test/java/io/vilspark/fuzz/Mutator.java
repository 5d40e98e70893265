package io.vilspark.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded, format-blind mutations of a byte array: bit/byte flips, inserted, deleted and duplicated
 * ranges, truncation, splicing with a second seed, "interesting" integers written over what may be a
 * size field, and numbers inside text headers replaced by interesting ones. The same {@link Random}
 * state always gives the same output, so a failure is replayed from its seed.
 */
public final class Mutator {

    /** Values that break size arithmetic: zero, one, sign boundaries, overflow edges, huge dimensions. */
    static final long[] INTERESTING = {
        0, 1, -1, 2, 7, 8, 255, 256, 65535, 65536, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL, 0x1_0000_0000L,
        Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 1L << 53, 46341, 3037000500L, 100_000_000
    };
    private static final String[] INTERESTING_TEXT = {
        "0", "-1", "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
        "99999999999999999999999", "46341", "1e308", "-0", "00", "3037000500"
    };
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final int MAX_GROWTH = 1 << 16;

    private Mutator() {
    }

    /** One to four stacked mutations of {@code seed}; {@code other} is the partner for splicing. */
    public static byte[] mutate(byte[] seed, byte[] other, Random random) {
        byte[] out = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            out = once(out, other, random);
        }
        return out;
    }

    static byte[] once(byte[] in, byte[] other, Random random) {
        if (in.length == 0) {
            return randomBytes(1 + random.nextInt(16), random);
        }
        switch (random.nextInt(10)) {
            case 0: return flipBit(in, random);
            case 1: return setByte(in, random);
            case 2: return insert(in, random);
            case 3: return delete(in, random);
            case 4: return duplicate(in, random);
            case 5: return truncate(in, random);
            case 6: return splice(in, other, random);
            case 7: return interestingInteger(in, random);
            case 8: return interestingNumberInText(in, random);
            default: return interestingInteger(in, random);
        }
    }

    static byte[] flipBit(byte[] in, Random random) {
        byte[] out = in.clone();
        int i = random.nextInt(out.length);
        out[i] ^= (byte) (1 << random.nextInt(8));
        return out;
    }

    static byte[] setByte(byte[] in, Random random) {
        byte[] out = in.clone();
        out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        return out;
    }

    static byte[] insert(byte[] in, Random random) {
        int at = random.nextInt(in.length + 1);
        byte[] piece = randomBytes(1 + random.nextInt(32), random);
        return join(Arrays.copyOf(in, at), piece, Arrays.copyOfRange(in, at, in.length));
    }

    static byte[] delete(byte[] in, Random random) {
        int from = random.nextInt(in.length);
        int to = Math.min(in.length, from + 1 + random.nextInt(Math.max(1, in.length / 8)));
        return join(Arrays.copyOf(in, from), Arrays.copyOfRange(in, to, in.length));
    }

    static byte[] duplicate(byte[] in, Random random) {
        int from = random.nextInt(in.length);
        int to = Math.min(in.length, from + 1 + random.nextInt(Math.min(MAX_GROWTH, Math.max(1, in.length / 4))));
        int at = random.nextInt(in.length + 1);
        return join(Arrays.copyOf(in, at), Arrays.copyOfRange(in, from, to), Arrays.copyOfRange(in, at, in.length));
    }

    static byte[] truncate(byte[] in, Random random) {
        return Arrays.copyOf(in, random.nextInt(in.length));
    }

    /** The head of one input and the tail of the other. */
    static byte[] splice(byte[] in, byte[] other, Random random) {
        if (other == null || other.length == 0) {
            return truncate(in, random);
        }
        int cut = random.nextInt(in.length + 1);
        int from = random.nextInt(other.length);
        return join(Arrays.copyOf(in, cut), Arrays.copyOfRange(other, from, other.length));
    }

    /** An interesting value as 1, 2, 4 or 8 bytes, either byte order, over any position. */
    static byte[] interestingInteger(byte[] in, Random random) {
        byte[] out = in.clone();
        long value = INTERESTING[random.nextInt(INTERESTING.length)];
        int width = 1 << random.nextInt(4);
        boolean bigEndian = random.nextBoolean();
        int at = random.nextInt(out.length);
        for (int k = 0; k < width && at + k < out.length; k++) {
            int shift = 8 * (bigEndian ? width - 1 - k : k);
            out[at + k] = (byte) (value >>> shift);
        }
        return out;
    }

    /** A decimal number in a text header (JSON, Python dict, HOCON) replaced by an interesting one. */
    static byte[] interestingNumberInText(byte[] in, Random random) {
        String text = new String(in, StandardCharsets.ISO_8859_1);
        Matcher m = NUMBER.matcher(text);
        int count = 0;
        while (m.find() && count < 10_000) {
            count++;
        }
        if (count == 0) {
            return interestingInteger(in, random);
        }
        int pick = random.nextInt(count);
        m.reset();
        for (int i = 0; i <= pick; i++) {
            m.find();
        }
        String replacement = INTERESTING_TEXT[random.nextInt(INTERESTING_TEXT.length)];
        String mutated = text.substring(0, m.start()) + replacement + text.substring(m.end());
        return mutated.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] randomBytes(int n, Random random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] join(byte[]... parts) {
        int total = 0;
        for (byte[] p : parts) {
            total += p.length;
        }
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
