package io.vilspark.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.vilspark.cli.VilCli;
import io.vilspark.data.DatasetManifest;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TestImages;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vil prepare} and {@code vil bench-data prepare} as a user runs them. */
@IntegrationTest
class PrepareCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run vil(String... args) {
        LocalSpark.session(); // the tests' local[2] session; the command reuses it
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = VilCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void preparesAFolderTreeAndPrintsASummary() throws Exception {
        Path in = dir.resolve("in");
        for (int i = 0; i < 6; i++) {
            Path f = in.resolve((i % 2 == 0 ? "shoe" : "bag") + "/img" + i + ".jpg");
            Files.createDirectories(f.getParent());
            Files.write(f, TestImages.jpeg(TestImages.rgb(60, 50, i)));
        }
        Path conf = dir.resolve("job.conf");
        Files.writeString(conf, "prepare { val_fraction = 0.34, compression = snappy }\n");
        String out = dir.resolve("ds").toString();
        Run run = vil("prepare", "--input", in.toString(), "--out", out, "--resolution", "32", "--patch", "8",
                "--channels", "1", "--config", conf.toString(), "--set", "seed=3", "--quiet");
        assertEquals(0, run.exit(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.contains("stored      1x32x32, patch 8 (4x4 patches)"), run.out());
        assertTrue(lines.contains("rows        train 4, val 2 (shards {train=2, val=2})"), run.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("images/s: "), run.out());
        assertEquals("", run.err());
        DatasetManifest m = DatasetManifest.read(out, new Configuration());
        assertEquals(List.of("bag", "shoe"), m.classes());
        assertEquals("snappy", m.source().get("compression"));
        try (var files = Files.list(Path.of(out, "train"))) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().endsWith(".snappy.parquet")));
        }
    }

    @Test
    void mistakesAreOneLineErrorsWithTheirExitCodes() {
        Run run = vil("prepare", "--input", dir.toString(), "--out", dir.resolve("o").toString(), "--resolution", "30");
        assertEquals(64, run.exit(), run.toString());   // a configuration error
        assertEquals(List.of("vil prepare: error: command-line override 'prepare.resolution=30': prepare.resolution: "
                + "30 is not a multiple of the patch size 16"), run.err().lines().toList());
        run = vil("prepare", "--input", dir.resolve("nothing").toString(), "--out", dir.resolve("o").toString(),
                "--resolution", "32");
        assertEquals(65, run.exit(), run.toString());   // missing input data
        assertEquals(List.of("vil prepare: error: " + dir.resolve("nothing") + ": no such folder"), run.err().lines().toList());
        run = vil("prepare", "--input", dir.toString(), "--out", dir.resolve("o").toString(), "--resolution", "32",
                "--set", "shard_size=3");
        assertEquals(64, run.exit(), run.toString());
        assertTrue(run.err().contains("prepare.shard_size"), run.err());
    }

    @Test
    void benchDataPrepareReportsImagesPerSecondPerCore() {
        Run run = vil("bench-data", "prepare", "--images", "40", "--size", "160x120", "--resolution", "64");
        assertEquals(0, run.exit(), run.toString());
        List<String> lines = run.out().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("images/s per core: \\d+\\.\\d"), run.out());
        assertTrue(Double.parseDouble(last.substring(last.indexOf(':') + 1)) > 0);
    }
}
