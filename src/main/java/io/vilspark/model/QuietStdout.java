package io.vilspark.model;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Drops ND4J's unconditional {@code System.out.println("Added differentiated op ...")} lines,
 * printed once per op whenever a SameDiff gradient graph is built (dozens per layer, and
 * Spark rebuilds networks per data split). Other output passes through unchanged.
 */
final class QuietStdout extends PrintStream {
    private static final String NOISE = "Added differentiated op ";

    private QuietStdout(OutputStream out) {
        super(out, true);
    }

    @Override
    public void println(String line) {
        if (line == null || !line.startsWith(NOISE)) {
            super.println(line);
        }
    }

    /** Runs {@code body} with the noise filtered from System.out. */
    static synchronized <T> T call(Supplier<T> body) {
        PrintStream original = System.out;
        if (original instanceof QuietStdout) {
            return body.get();
        }
        System.setOut(new QuietStdout(original));
        try {
            return body.get();
        } finally {
            System.setOut(original);
        }
    }
}
