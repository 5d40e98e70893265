package io.vilspark.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replacing a file on the real local file system: one rename, so readers never find the path missing. */
class AtomicHadoopWriteTest {
    private static final int REPLACEMENTS = 100;

    @TempDir
    Path dir;

    @Test
    void aReaderNeverFindsTheLocalFileMissingOrTornWhileItIsReplacedManyTimes() throws Exception {
        Path file = dir.resolve("pointer.json");
        ReplaceUnderRead.Seen seen = ReplaceUnderRead.run(file.toUri().toString(), new Configuration(), REPLACEMENTS,
                () -> {
                    try {
                        return Files.readAllBytes(file);
                    } catch (NoSuchFileException e) {
                        return null;
                    }
                });
        assertTrue(seen.looks() > 0, "the reader looked at least once");
        assertEquals(0, seen.missing(), "looks that found no file, of " + seen.looks());
        assertEquals(0, seen.torn(), "looks that found a partial file, of " + seen.looks());
        assertArrayEquals(ReplaceUnderRead.version(REPLACEMENTS), Files.readAllBytes(file));
        assertEquals(List.of("pointer.json"), namesIn(dir).stream().filter(n -> !n.endsWith(".crc")).toList(),
                "no temporary is left");
    }

    @Test
    void aChecksummedFileReplacedByAnEditableOneReadsBackWithoutAStaleChecksum() throws IOException {
        Configuration hadoop = new Configuration();
        String target = dir.resolve("manifest.json").toUri().toString();
        AtomicHadoopWrite.write(target, hadoop, out -> out.write(ReplaceUnderRead.version(1)));
        assertTrue(Files.exists(dir.resolve(".manifest.json.crc")), "the checksummed write leaves a .crc");
        AtomicHadoopWrite.writeEditable(target, hadoop, out -> out.write(ReplaceUnderRead.version(2)));
        AtomicHadoopWrite.write(target, hadoop, out -> out.write(ReplaceUnderRead.version(3)));
        AtomicHadoopWrite.writeEditable(target, hadoop, out -> out.write(ReplaceUnderRead.version(4)));

        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(target);
        FileSystem checked = path.getFileSystem(hadoop);
        try (InputStream in = checked.open(path)) {
            assertArrayEquals(ReplaceUnderRead.version(4), in.readAllBytes());
        }
        assertEquals(List.of("manifest.json"), namesIn(dir), "no temporary and no stale .crc is left");
    }

    @Test
    void aFolderAtTheTargetIsRefusedAndKept() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("out"));
        Files.writeString(folder.resolve("kept.txt"), "data");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> AtomicHadoopWrite.write(
                folder.toUri().toString(), new Configuration(), out -> out.write(1)));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
        assertEquals(List.of("kept.txt"), namesIn(folder));
        assertEquals(List.of("out"), namesIn(dir), "no temporary is left");
    }

    static List<String> namesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
