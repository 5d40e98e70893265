package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Expected failures exit with their kind's code and one line; bugs exit 70 with a hint; --verbose adds the trace. */
class CliExceptionHandlerTest {

    @Command(name = "fail")
    static final class Failing implements Callable<Integer> {
        @Option(names = "--verbose")
        boolean verbose;

        @Option(names = "--bug")
        boolean bug;

        @Override
        public Integer call() throws Exception {
            if (bug) {
                throw new IllegalStateException("index 3\nout of range");
            }
            throw new NoSuchFileException("/data/x.npy");
        }
    }

    private static String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Failing()).setExecutionExceptionHandler(new CliExceptionHandler());
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void expectedFailureIsOneLineWithTheDataErrorCode() {
        String[] r = run();
        assertEquals("65", r[0]);
        assertEquals("fail: error: /data/x.npy: no such file" + System.lineSeparator(), r[1]);
    }

    @Test
    void bugIsExitSeventyWithHintOnOneLine() {
        String[] r = run("--bug");
        assertEquals("70", r[0]);
        assertEquals(1, r[1].lines().count(), r[1]);
        assertTrue(r[1].contains("internal error: java.lang.IllegalStateException: index 3 out of range"), r[1]);
        assertTrue(r[1].contains("rerun with --verbose"), r[1]);
    }

    @Test
    void verboseAddsTheStackTrace() {
        String[] r = run("--bug", "--verbose");
        assertEquals("70", r[0]);
        assertTrue(r[1].contains("\tat io.vilspark.cli.CliExceptionHandlerTest"), r[1]);
        assertFalse(r[1].contains("rerun with --verbose"), r[1]);
    }
}
