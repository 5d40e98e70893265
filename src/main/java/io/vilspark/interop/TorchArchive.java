package io.vilspark.interop;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The zip container of a {@code torch.save} file: one folder {@code <stem>/} holding {@code data.pkl},
 * {@code data/<key>} storages, {@code version} and maybe {@code byteorder}. Validates entry names and
 * sizes before reading anything, and reads every storage at most once.
 */
final class TorchArchive implements Closeable {

    static final long MAX_PICKLE_BYTES = 64L << 20;
    static final int MAX_ENTRIES = 100_000;
    /** Tensor copies (views, shared storages) may total twice the storage bytes read, plus this. */
    private static final long COPY_SLACK_BYTES = 64L << 20;
    /** Before the first bytes of a compressed entry arrive, allocate at most this many elements. */
    private static final int UNTRUSTED_INITIAL_ELEMENTS = 1 << 20;
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private final ZipFile zip;
    private final String source;
    private final String stem;
    private final Map<String, ZipEntry> entries;
    private final long fileSize;
    private final Map<String, StorageRef> storages = new HashMap<>();
    private final Map<String, Object> storageData = new HashMap<>();
    private final Set<String> handedOutWhole = new HashSet<>();
    private long storageBytesRead;
    private long copiedBytes;

    private TorchArchive(ZipFile zip, String source, String stem, Map<String, ZipEntry> entries, long fileSize) {
        this.zip = zip;
        this.source = source;
        this.stem = stem;
        this.entries = entries;
        this.fileSize = fileSize;
    }

    static TorchArchive open(Path path, String source) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(source);
        }
        if (!Files.isRegularFile(path)) {
            throw new CheckpointFormatException(source, "not a regular file");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (IOException | RuntimeException e) {
            throw new CheckpointFormatException(source, "not a readable zip archive (truncated or corrupt?): "
                    + describe(e), e);
        }
        try {
            return index(zip, source, Files.size(path));
        } catch (IOException | RuntimeException e) {
            zip.close();
            if (e instanceof CheckpointFormatException cfe) {
                throw cfe;
            }
            throw new CheckpointFormatException(source, "corrupt zip archive: " + describe(e), e);
        }
    }

    /** Checks every entry name and finds the single top-level folder. */
    private static TorchArchive index(ZipFile zip, String source, long fileSize) throws IOException {
        Map<String, ZipEntry> entries = new HashMap<>();
        String stem = null;
        for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
            ZipEntry entry = it.nextElement();
            String name = entry.getName();
            checkEntryName(name, source);
            String top = name.substring(0, name.indexOf('/'));
            if (stem == null) {
                stem = top;
            } else if (!stem.equals(top)) {
                throw new CheckpointFormatException(source, "zip has more than one top-level folder ("
                        + Printable.quote(stem) + " and " + Printable.quote(top) + ")");
            }
            if (entries.put(name, entry) != null) {
                throw new CheckpointFormatException(source, "zip entry " + Printable.quote(name) + " appears twice");
            }
            if (entries.size() > MAX_ENTRIES) {
                throw new CheckpointFormatException(source, "zip has more than " + MAX_ENTRIES + " entries");
            }
            if (!entry.isDirectory() && entry.getSize() < 0) {
                throw new CheckpointFormatException(source, "zip entry " + Printable.quote(name) + " has no size");
            }
        }
        if (stem == null) {
            throw new CheckpointFormatException(source, "zip archive is empty");
        }
        TorchArchive archive = new TorchArchive(zip, source, stem, entries, fileSize);
        archive.checkByteOrder();
        return archive;
    }

    /** Refuses names that could escape a folder or mean different things on different systems. */
    private static void checkEntryName(String name, String source) throws CheckpointFormatException {
        String problem = null;
        if (name.isEmpty() || name.startsWith("/")) {
            problem = "is empty or absolute";
        } else if (name.indexOf('\\') >= 0 || name.indexOf(':') >= 0) {
            problem = "contains a backslash or colon";
        } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problem = "contains control characters";
        } else if (name.indexOf('/') < 0) {
            problem = "is not inside the archive folder";
        } else {
            String[] parts = name.split("/", -1);
            for (int i = 0; i < parts.length; i++) {
                boolean trailingSlash = i == parts.length - 1 && parts[i].isEmpty() && i > 0;
                if ((parts[i].isEmpty() && !trailingSlash) || parts[i].equals(".") || parts[i].equals("..")) {
                    problem = "has an empty, '.' or '..' path segment";
                    break;
                }
            }
        }
        if (problem != null) {
            throw new CheckpointFormatException(source, "zip entry name " + Printable.quote(name) + " " + problem);
        }
    }

    /** Newer torch writes "byteorder"; storages are only readable here if it says little. */
    private void checkByteOrder() throws CheckpointFormatException {
        ZipEntry entry = entries.get(stem + "/byteorder");
        if (entry == null) {
            return;
        }
        if (entry.getSize() > 16) {
            throw new CheckpointFormatException(source, "zip entry 'byteorder' is too large");
        }
        String order = new String(readEntry(entry, (int) entry.getSize()), StandardCharsets.US_ASCII).strip();
        if (!order.equals("little")) {
            throw new CheckpointFormatException(source, "checkpoint byte order is " + Printable.quote(order)
                    + ", only 'little' is supported");
        }
    }

    String stem() {
        return stem;
    }

    byte[] readPickle() throws CheckpointFormatException {
        String name = stem + "/data.pkl";
        ZipEntry entry = entries.get(name);
        if (entry == null || entry.isDirectory()) {
            throw new CheckpointFormatException(source, "zip has no " + Printable.quote(name)
                    + " (not a torch.save checkpoint?)");
        }
        if (entry.getSize() > MAX_PICKLE_BYTES) {
            throw new CheckpointFormatException(source, Printable.quote(name) + " has " + entry.getSize()
                    + " bytes, more than the limit of " + MAX_PICKLE_BYTES);
        }
        return readEntry(entry, (int) entry.getSize());
    }

    /** Validates a storage named by a persistent id: its entry exists and has exactly numel * itemsize bytes. */
    StorageRef storage(TorchStorageType type, String key, long numel) throws CheckpointFormatException {
        if (!STORAGE_KEY.matcher(key).matches()) {
            throw new CheckpointFormatException(source, "invalid storage key " + Printable.quote(key));
        }
        StorageRef known = storages.get(key);
        if (known != null) {
            if (known.type() != type || known.numel() != numel) {
                throw new CheckpointFormatException(source, "storage " + Printable.quote(key)
                        + " is declared twice with different types or sizes");
            }
            return known;
        }
        String name = stem + "/data/" + key;
        ZipEntry entry = entries.get(name);
        if (entry == null || entry.isDirectory()) {
            throw new CheckpointFormatException(source, "storage entry " + Printable.quote(name) + " is missing");
        }
        if (numel < 0 || numel > Long.MAX_VALUE / 16) {
            throw new CheckpointFormatException(source, "storage " + Printable.quote(key)
                    + " has an invalid element count " + numel);
        }
        long expected = numel * type.itemSize;
        if (entry.getSize() != expected) {
            throw new CheckpointFormatException(source, "storage entry " + Printable.quote(name) + " has "
                    + entry.getSize() + " bytes but the pickle declares " + numel + " " + type.torchDtype
                    + " elements (" + expected + " bytes)");
        }
        StorageRef ref = new StorageRef(type, key, numel);
        storages.put(key, ref);
        return ref;
    }

    /** The storage's elements (read once, then cached); only for types with {@code loadedAs != null}. */
    Object data(StorageRef ref) throws CheckpointFormatException {
        Object cached = storageData.get(ref.key());
        if (cached != null) {
            return cached;
        }
        DType type = ref.type().loadedAs;
        if (ref.numel() > DType.MAX_ELEMENTS) {
            throw new CheckpointFormatException(source, "storage " + Printable.quote(ref.key()) + " has "
                    + ref.numel() + " elements, more than one Java array can hold");
        }
        int count = (int) ref.numel();
        ZipEntry entry = entries.get(stem + "/data/" + ref.key());
        // An uncompressed entry's bytes are really in the file; a compressed one's size is only a claim.
        boolean sizeIsPhysical = entry.getMethod() == ZipEntry.STORED && entry.getCompressedSize() <= fileSize;
        int initialCapacity = sizeIsPhysical ? count : Math.min(count, UNTRUSTED_INITIAL_ELEMENTS);
        try (InputStream in = zip.getInputStream(entry)) {
            Object data = LittleEndianArrays.read(in, type, count, initialCapacity, source,
                    "storage entry " + Printable.quote(entry.getName()));
            storageData.put(ref.key(), data);
            storageBytesRead += (long) count * type.itemSize;
            return data;
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointFormatException(source, "cannot read zip entry " + Printable.quote(entry.getName())
                    + " (corrupt archive?): " + describe(e), e);
        }
    }

    /**
     * True the first time per storage: that tensor may use the storage array itself instead of a
     * copy. Later tensors on the same storage copy, so that no two tensors share a mutable array.
     */
    boolean takeWhole(StorageRef ref) {
        return handedOutWhole.add(ref.key());
    }

    /**
     * Bounds the memory that tensor copies can add, since a pickle can view one storage many times
     * (or broadcast it with stride 0). The bound grows only with storage bytes actually read.
     */
    void chargeCopy(long bytes) throws CheckpointFormatException {
        long budget = 2 * storageBytesRead + COPY_SLACK_BYTES;
        copiedBytes += bytes;
        if (copiedBytes > budget) {
            throw new CheckpointFormatException(source, "tensor views would copy more than " + budget
                    + " bytes, far more than the checkpoint's storages hold");
        }
    }

    /** Reads a small entry completely; its declared size was checked by the caller. */
    private byte[] readEntry(ZipEntry entry, int size) throws CheckpointFormatException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(size);
            if (bytes.length != size) {
                throw new CheckpointFormatException(source, "zip entry " + Printable.quote(entry.getName())
                        + " is truncated: expected " + size + " bytes, found " + bytes.length);
            }
            return bytes;
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointFormatException(source, "cannot read zip entry " + Printable.quote(entry.getName())
                    + " (corrupt archive?): " + describe(e), e);
        }
    }

    /** JDK zip exceptions sometimes carry no message; then the type says what happened. */
    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
