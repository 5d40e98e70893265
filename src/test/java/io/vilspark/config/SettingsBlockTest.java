package io.vilspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one reader of settings blocks: typed values, bounds, and errors that say which key and where. */
class SettingsBlockTest {
    private static final String DEFAULTS = "b { n = 1, x = 0.5, name = null, names = [], sub { k = true } }";

    @TempDir
    Path dir;

    private Path file;

    private SettingsBlock block(String userFile, String... overrides) throws Exception {
        file = Files.writeString(dir.resolve("job.conf"), userFile);
        return SettingsBlock.of(JobConfig.load(ConfigFactory.parseString(DEFAULTS), Optional.of(file), List.of(overrides)),
                "b");
    }

    @Test
    void errorsNameTheFullKeyAndTheLineItWasWrittenOn() throws Exception {
        SettingsBlock b = block("b {\n  n = 0\n}\n");
        ConfigException e = assertThrows(ConfigException.class, () -> b.integer("n", 1));
        assertEquals(file + ":2: b.n: expected an integer >= 1, got 0", e.getMessage());
        e = assertThrows(ConfigException.class, () -> b.integer("n", 1, 9));
        assertEquals("expected an integer in [1, 9], got 0", e.problem());
    }

    @Test
    void anOverrideIsNamedAsTheSourceOfItsValue() throws Exception {
        SettingsBlock b = block("", "b.x=2");
        ConfigException e = assertThrows(ConfigException.class, () -> b.number("x", Bounds.closedOpen(0, 1)));
        assertEquals("command-line override 'b.x=2': b.x: expected a number in [0.0, 1.0), got 2", e.getMessage());
    }

    @Test
    void aKeySetToNullIsLocatedToo() throws Exception {
        SettingsBlock b = block("b {\n  n = 3\n  name = null\n}\n");
        assertTrue(b.isNull("name"));
        assertEquals(file + ":3: b.name: required", b.error("name", "required").getMessage());
        assertEquals(3, b.integer("n", 1));
    }

    @Test
    void nestedKeysAndSubBlocksReadWithTheirFullPath() throws Exception {
        SettingsBlock b = block("b.sub.k = false\nb.names = [cat, dog]\n");
        assertFalse(b.bool("sub.k"));
        assertEquals("b.sub.k", b.within("sub").path("k"));
        assertEquals(List.of("cat", "dog"), b.strings("names"));
        ConfigException e = assertThrows(ConfigException.class, () -> b.block("n"));
        assertEquals("b.n", e.key().orElseThrow());
    }

    @Test
    void boundsSayWhatTheyAllow() {
        assertEquals("a number > 0", Bounds.above(0).describe());
        assertEquals("a number >= 0.5", Bounds.atLeast(0.5).describe());
        assertEquals("a number in (0.0, 1.0]", Bounds.openClosed(0, 1).describe());
        assertFalse(Bounds.openClosed(0, 1).contains(0));
        assertTrue(Bounds.openClosed(0, 1).contains(1));
        assertFalse(Bounds.closedOpen(0, 1).contains(1));
        assertFalse(Bounds.atLeast(0).contains(Double.NaN));
    }
}
