package io.vilspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small JSON files users read and fix by hand (here the dataset manifest) carry no Hadoop .crc file on a local
 * disk, so an edited one still loads; an old one that has a .crc gets a message saying what to do.
 */
class HandEditedFilesTest {
    @TempDir
    Path dir;

    private DatasetManifest manifest(List<String> classes) {
        return new DatasetManifest(DatasetManifest.FORMAT_VERSION, classes, 28, 28, 4, 1, List.of(0.3), List.of(0.3),
                Map.of("train", 10L), Map.of(), Map.of(), Map.of("source", "test"));
    }

    @Test
    void aHandEditedManifestLoads() throws Exception {
        Configuration hadoop = new Configuration();
        manifest(List.of("shirt", "shoe")).write(dir.toString(), hadoop);
        Path file = dir.resolve(DatasetManifest.FILE_NAME);
        assertFalse(Files.exists(dir.resolve("." + DatasetManifest.FILE_NAME + ".crc")), "no checksum file");
        Files.writeString(file, Files.readString(file).replace("\"shoe\"", "\"sneaker\""));
        assertEquals(List.of("shirt", "sneaker"), DatasetManifest.read(dir.toString(), hadoop).classes());
        // written again over the edited one: still loads, still no checksum file
        manifest(List.of("shirt", "boot")).write(dir.toString(), hadoop);
        assertEquals(List.of("shirt", "boot"), DatasetManifest.read(dir.toString(), hadoop).classes());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(DatasetManifest.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void anEditedManifestWithAnOldChecksumFileSaysWhatToDo() throws Exception {
        Configuration hadoop = new Configuration();
        byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(manifest(List.of("a", "b")));
        // as Hadoop's checksummed local file system writes any file: with a .crc beside it
        AtomicHadoopWrite.write(dir.resolve(DatasetManifest.FILE_NAME).toString(), hadoop, out -> out.write(json));
        Path crc = dir.resolve("." + DatasetManifest.FILE_NAME + ".crc");
        assertTrue(Files.exists(crc));
        Path file = dir.resolve(DatasetManifest.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("\"b\"", "\"c\""));
        BadDataException e = assertThrows(BadDataException.class, () -> DatasetManifest.read(dir.toString(), hadoop));
        assertTrue(e.getMessage().contains("does not match its checksum file") && e.getMessage().contains("delete")
                && e.getMessage().contains(crc.getFileName().toString()), e.getMessage());
        Files.delete(crc);
        assertEquals(List.of("a", "c"), DatasetManifest.read(dir.toString(), hadoop).classes(), "as the message says");
    }
}
