package io.vilspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {
    private static final Config DEFAULTS = ConfigFactory.parseString(String.join("\n",
            "train {",
            "  epochs = 10",
            "  learning_rate = 0.001",
            "  shuffle = true",
            "  output = null",
            "  eval_batch = ${train.batch}",
            "  batch = 64",
            "}",
            "spark { conf {} }"));

    @Test
    void overridesBeatTheFileWhichBeatsTheDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "train { epochs = 20, batch = 32 }\n");
        Config c = JobConfig.load(DEFAULTS, Optional.of(file), List.of("train.epochs=30"));
        assertEquals(30, c.getInt("train.epochs"));
        assertEquals(32, c.getInt("train.batch"));
        assertEquals(32, c.getInt("train.eval_batch")); // substitutions see the user's values
        assertEquals(0.001, c.getDouble("train.learning_rate"));
        assertTrue(c.getIsNull("train.output"));
        assertEquals("hdfs:///out", JobConfig.load(DEFAULTS, Optional.empty(), List.of("train.output=\"hdfs:///out\""))
                .getString("train.output"));
    }

    @Test
    void unknownKeyInOverrideIsNamedWithSuggestion() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfig.load(DEFAULTS, Optional.empty(), List.of("train.epoch=3")));
        assertEquals("command-line override 'train.epoch=3': train.epoch: unknown key (did you mean 'train.epochs'?)",
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> JobConfig.load(DEFAULTS, Optional.empty(), List.of("trian.batch=3")));
        assertTrue(e.getMessage().endsWith("trian.batch: unknown key (did you mean 'train.batch'?)"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> JobConfig.load(DEFAULTS, Optional.empty(), List.of("colour=null")));
        assertTrue(e.getMessage().endsWith("colour: unknown key"), e.getMessage());
    }

    @Test
    void unknownKeyInFileIsNamedWithFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "train {\n  epochs = 20\n  learning_rat = 0.1\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.load(DEFAULTS, Optional.of(file), List.of()));
        assertEquals(file + ":3: train.learning_rat: unknown key (did you mean 'train.learning_rate'?)", e.getMessage());
        assertEquals("train.learning_rat", e.key().orElseThrow());
    }

    @Test
    void emptyBlockInTheDefaultsIsOpen() {
        Config c = JobConfig.load(DEFAULTS, Optional.empty(), List.of("spark.conf.\"spark.executor.memory\"=4g"));
        assertEquals("4g", c.getConfig("spark.conf").root().get("spark.executor.memory").unwrapped());
    }

    @Test
    void valuesMustFitTheDefaultsTypes() {
        assertBad("train.epochs=abc", "train.epochs", "expected an integer (default 10), got \"abc\"");
        assertBad("train.epochs=2.5", "train.epochs", "expected an integer (default 10), got 2.5");
        assertBad("train.shuffle=maybe", "train.shuffle", "expected true or false");
        assertBad("train.learning_rate=[1]", "train.learning_rate", "expecting: number but got: list");
        assertBad("train=5", "train", "expecting: object");
        // strings that convert are fine: that is what ${?ENV_VAR} gives
        assertEquals(5, JobConfig.load(DEFAULTS, Optional.empty(), List.of("train.epochs=\"5\"")).getInt("train.epochs"));
    }

    @Test
    void syntaxErrorsAreRewrappedWithTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.conf");
        Files.writeString(file, "train {\n  epochs = = 20\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfig.load(DEFAULTS, Optional.of(file), List.of()));
        assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
        assertTrue(e.getCause() instanceof com.typesafe.config.ConfigException);
        e = assertThrows(ConfigException.class,
                () -> JobConfig.load(DEFAULTS, Optional.of(dir.resolve("absent.conf")), List.of()));
        assertTrue(e.getMessage().contains("absent.conf: no such file"), e.getMessage());
    }

    @Test
    void missingDefaultsResourceIsReported() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfig.load("reference-defaults/nope.conf", Optional.empty(), List.of()));
        assertTrue(e.getMessage().contains("reference-defaults/nope.conf"), e.getMessage());
    }

    private static void assertBad(String override, String key, String problemPart) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfig.load(DEFAULTS, Optional.empty(), List.of(override)));
        assertEquals(key, e.key().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains(problemPart), e.getMessage());
    }
}
