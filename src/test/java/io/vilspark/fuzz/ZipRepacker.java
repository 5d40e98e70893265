package io.vilspark.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Format-aware mutations of a zip archive: one entry's content mutated (the pickle of a torch
 * checkpoint, a storage, a JSON file) or an entry renamed to a name that escapes the archive folder,
 * then zipped again with valid structure so the reader gets past the zip layer.
 */
public final class ZipRepacker {

    /** Names a careless extractor would write outside its target folder, or that mean other things elsewhere. */
    static final String[] HOSTILE_NAMES = {
        "../escaped", "/absolute/file", "archive/../../escaped", "archive/data/../../../etc/passwd",
        "C:\\windows\\evil", "archive\\..\\evil", "archive/./data.pkl", "archive//data.pkl", "",
        "archive/data/0\u0000hidden", "other-folder/data.pkl"
    };

    private ZipRepacker() {
    }

    /**
     * Fails if a file that one of {@link #HOSTILE_NAMES} points at exists after a campaign: no reader
     * may extract an entry by its name (none should extract at all).
     */
    public static void assertNothingEscaped(Path scratch) {
        List<Path> bases = List.of(scratch, scratch.getParent(), Path.of("").toAbsolutePath(),
                Path.of(System.getProperty("java.io.tmpdir")));
        List<Path> targets = new ArrayList<>(List.of(Path.of("/absolute/file")));
        for (Path base : bases) {
            targets.add(base.resolve("escaped"));
            targets.add(base.resolve("evil"));
        }
        for (Path t : targets) {
            if (Files.exists(t)) {
                throw new AssertionError("a hostile zip entry name was written out: " + t);
            }
        }
    }

    /**
     * The entries of a valid seed archive, in order. Read through the central directory (ZipFile),
     * since torch writes stored entries with data descriptors, which ZipInputStream refuses.
     */
    public static LinkedHashMap<String, byte[]> entries(byte[] zip) {
        LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>();
        try {
            Path file = Files.createTempFile("fuzz-seed", ".zip");
            try {
                Files.write(file, zip);
                try (ZipFile archive = new ZipFile(file.toFile())) {
                    for (Enumeration<? extends ZipEntry> it = archive.entries(); it.hasMoreElements(); ) {
                        ZipEntry e = it.nextElement();
                        try (InputStream in = archive.getInputStream(e)) {
                            entries.put(e.getName(), in.readAllBytes());
                        }
                    }
                }
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    public static byte[] pack(Map<String, byte[]> entries, boolean stored) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (stored) {
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(e.getValue());
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Mutates the entry whose name ends with {@code favourite} most of the time (another entry
     * otherwise), sometimes renames an entry to a hostile name, and zips again (stored or deflated).
     */
    public static byte[] mutateEntry(byte[] zip, String favourite, Random random) {
        LinkedHashMap<String, byte[]> entries = entries(zip);
        List<String> names = new ArrayList<>(entries.keySet());
        if (names.isEmpty()) {
            return Mutator.mutate(zip, zip, random);
        }
        if (random.nextInt(8) == 0) {
            String victim = names.get(random.nextInt(names.size()));
            String hostile = HOSTILE_NAMES[random.nextInt(HOSTILE_NAMES.length)];
            LinkedHashMap<String, byte[]> renamed = new LinkedHashMap<>();
            entries.forEach((name, data) -> renamed.put(name.equals(victim) ? hostile : name, data));
            return pack(renamed, random.nextBoolean());
        }
        String target = names.stream().filter(n -> n.endsWith(favourite)).findFirst().orElse(null);
        if (target == null || random.nextInt(4) == 0) {
            target = names.get(random.nextInt(names.size()));
        }
        byte[] other = entries.get(names.get(random.nextInt(names.size())));
        entries.put(target, Mutator.mutate(entries.get(target), other, random));
        return pack(entries, random.nextBoolean());
    }
}
