package io.vilspark.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.hadoop.conf.Configuration;

/**
 * Replaces one file many times with {@link AtomicHadoopWrite} while another thread keeps looking at it, and
 * counts the looks that found the path missing or holding a file that is not one whole version.
 */
final class ReplaceUnderRead {
    /** How often the reader looked, and how often it found no file or a torn one. */
    record Seen(int looks, int missing, int torn) {
    }

    /** One look at the target: its bytes, a marker for "present" when only presence is checked, or null if missing. */
    @FunctionalInterface
    interface Look {
        byte[] bytes() throws IOException;
    }

    private ReplaceUnderRead() {
    }

    /** Version {@code v}'s content: its number on every line, 4 KiB, so a torn read shows. */
    static byte[] version(int v) {
        return ("version " + v + "\n").repeat(4096 / 12).getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes version 0, then versions 1..{@code replacements} over it while {@code look} runs in a loop. */
    static Seen run(String target, Configuration hadoop, int replacements, Look look) throws Exception {
        AtomicHadoopWrite.write(target, hadoop, out -> out.write(version(0)));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger looks = new AtomicInteger();
        AtomicInteger missing = new AtomicInteger();
        AtomicInteger torn = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                try {
                    byte[] seen = look.bytes();
                    looks.incrementAndGet();
                    if (seen == null) {
                        missing.incrementAndGet();
                    } else if (seen.length > 0 && !isWholeVersion(seen)) {
                        torn.incrementAndGet();
                    }
                } catch (IOException e) {
                    torn.incrementAndGet();
                }
            }
        });
        reader.start();
        try {
            for (int v = 1; v <= replacements; v++) {
                int version = v;
                AtomicHadoopWrite.write(target, hadoop, out -> out.write(version(version)));
            }
        } finally {
            writing.set(false);
            reader.join();
        }
        return new Seen(looks.get(), missing.get(), torn.get());
    }

    private static boolean isWholeVersion(byte[] seen) {
        String text = new String(seen, StandardCharsets.US_ASCII);
        int end = text.indexOf('\n');
        if (end < 0 || !text.startsWith("version ")) {
            return false;
        }
        return Arrays.equals(seen, version(Integer.parseInt(text.substring(8, end))));
    }
}
