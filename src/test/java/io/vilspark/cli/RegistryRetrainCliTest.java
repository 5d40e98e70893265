package io.vilspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.vilspark.registry.ModelRegistry;
import io.vilspark.retrain.RetrainLock;
import io.vilspark.testing.CliRun;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.RegistryFixtures;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vil registry list|show|promote|rollback and vil retrain's refusals, through the CLI. */
@IntegrationTest
class RegistryRetrainCliTest {
    @TempDir
    Path dir;

    @Test
    void registrySubcommandsListShowPromoteAndRollBack() throws Exception {
        String root = dir.resolve("reg").toString();
        ModelRegistry r = new ModelRegistry(root, new Configuration());
        RegistryFixtures.add(r, null, List.of("p1"), 0.61);
        RegistryFixtures.add(r, "v0001", List.of("p1", "p2"), 0.72);

        CliRun empty = CliRun.of("registry", "list", "--registry", root);
        assertEquals(0, empty.exitCode(), empty::toString);
        assertTrue(empty.out().contains("no champion"), empty::toString);

        CliRun first = CliRun.of("registry", "promote", "--registry", root, "v0001");
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().contains("champion: v0001 (was null)"), first::toString);
        CliRun promote = CliRun.of("registry", "promote", "--registry", root, "v0002");
        assertEquals(0, promote.exitCode(), promote::toString);
        assertTrue(promote.out().contains("champion: v0002 (was v0001)"), promote::toString);
        CliRun list = CliRun.of("registry", "list", "--registry", root);
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("* v0002") && l.contains("0.7200")), list::toString);
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("  v0001")), list::toString);
        assertTrue(list.out().contains("champion: v0002"), list::toString);

        CliRun show = CliRun.of("registry", "show", "--registry", root, "v0002");
        assertEquals(0, show.exitCode(), show::toString);
        assertTrue(show.out().contains("\"seen\" : [ \"p1\", \"p2\" ]") && show.out().contains("champion: yes"),
                show::toString);

        CliRun unknown = CliRun.of("registry", "promote", "--registry", root, "v0009");
        assertEquals(ExitCodes.USAGE, unknown.exitCode(), unknown::toString);
        assertEquals(1, unknown.errLines().size(), unknown::toString);
        assertTrue(unknown.err().startsWith("vil registry promote: error: ") && unknown.err().contains("no version 'v0009'"),
                unknown::toString);

        CliRun rollback = CliRun.of("registry", "rollback", "--registry", root);
        assertEquals(0, rollback.exitCode(), rollback::toString);
        assertTrue(rollback.out().contains("champion: v0001 (was v0002)"), rollback::toString);
        CliRun history = CliRun.of("registry", "show", "--registry", root);
        assertTrue(history.out().contains("\"action\" : \"rollback\""), history::toString);
        CliRun noMore = CliRun.of("registry", "rollback", "--registry", root);
        assertEquals(ExitCodes.USAGE, noMore.exitCode(), noMore::toString);
        assertTrue(noMore.err().contains("no earlier champion"), noMore::toString);
    }

    @Test
    void listAndShowOfAPathThatIsNotARegistryFailNamingIt() throws Exception {
        String typo = dir.resolve("regsitry").toString();
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(photos.resolve("cat.jpg"), "not a registry");
        for (String command : List.of("list", "show")) {
            CliRun missing = CliRun.of("registry", command, "--registry", typo);
            assertEquals(ExitCodes.USAGE, missing.exitCode(), missing::toString);
            assertEquals(List.of("vil registry " + command + ": error: " + typo + ": no such registry folder"),
                    missing.errLines(), missing::toString);
            assertEquals("", missing.out(), "no empty table");
            CliRun foreign = CliRun.of("registry", command, "--registry", photos.toString());
            assertEquals(ExitCodes.USAGE, foreign.exitCode(), foreign::toString);
            assertTrue(foreign.err().startsWith("vil registry " + command + ": error: " + photos
                    + ": not a model registry"), foreign::toString);
        }
        assertEquals(List.of("cat.jpg"), Files.list(photos).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void retrainRefusesBadOptionsAndAHeldLockInOneLine() throws Exception {
        CliRun badMode = CliRun.of("retrain", "--registry", "r", "--data", "d", "--holdout", "h", "--train-on", "some");
        assertEquals(ExitCodes.USAGE, badMode.exitCode(), badMode::toString);
        assertTrue(badMode.err().contains("retrain.train_on") && badMode.err().contains("'some'"), badMode::toString);
        CliRun unknownKey = CliRun.of("retrain", "--registry", "r", "--data", "d", "--holdout", "h",
                "--set", "retrain.marginn=0.1");
        assertEquals(ExitCodes.USAGE, unknownKey.exitCode(), unknownKey::toString);
        assertTrue(unknownKey.err().contains("retrain.marginn"), unknownKey::toString);
        CliRun badMargin = CliRun.of("retrain", "--registry", "r", "--data", "d", "--holdout", "h", "--margin", "3");
        assertEquals(ExitCodes.USAGE, badMargin.exitCode(), badMargin::toString);
        assertTrue(badMargin.err().contains("retrain.margin"), badMargin::toString);

        Path reg = dir.resolve("reg");
        Files.createDirectories(reg);
        Object sparkBefore = org.apache.spark.sql.SparkSession.getDefaultSession();
        Files.writeString(reg.resolve(RetrainLock.FILE_NAME), "{\"owner\":\"7@host\",\"run_id\":\"nightly-1\","
                + "\"acquired_at\":\"2026-11-27T00:00:00Z\",\"expires_at\":\"2999-01-01T00:00:00Z\"}");
        CliRun held = CliRun.of("retrain", "--registry", reg.toString(), "--data", dir.resolve("landing").toString(),
                "--holdout", dir.resolve("holdout").toString());
        assertEquals(ExitCodes.TEMPFAIL, held.exitCode(), held::toString);
        assertEquals(1, held.errLines().size(), held::toString);
        assertTrue(held.err().startsWith("vil retrain: error: another retrain holds")
                && held.err().contains("run nightly-1 of 7@host"), held::toString);
        assertEquals(sparkBefore, org.apache.spark.sql.SparkSession.getDefaultSession(),
                "refused before starting Spark (no session made; one from an earlier test class may exist)");
    }
}
