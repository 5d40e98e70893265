package io.vilspark.interop.importer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import io.vilspark.config.BadInputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A checkpoint as a local file, since the readers need random access: the file itself for local
 * paths and {@code file:} URIs, otherwise a temporary copy of the Hadoop path (deleted on close).
 *
 * @param location the checkpoint as the user named it
 * @param path     the local file the readers open
 * @param isCopy   true for a temporary copy of a remote file (deleted on close)
 */
public record LocalCheckpoint(String location, Path path, boolean isCopy) implements AutoCloseable {
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");

    /** The checkpoint at {@code location} (a local path, a {@code file:} URI or any Hadoop path) as a local file. */
    public static LocalCheckpoint of(String location, Configuration hadoop) throws IOException {
        if (location.startsWith("file:")) {
            return local(location, fileUri(location));
        }
        if (!URI_SCHEME.matcher(location).matches()) {
            return local(location, Path.of(location));
        }
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
        FileSystem fs = remote.getFileSystem(hadoop);
        if (!fs.exists(remote)) {
            throw new BadInputException("checkpoint " + location + ": no such file");
        }
        Path copy = Files.createTempFile("vil-checkpoint", ".bin");
        try (InputStream in = fs.open(remote)) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        return new LocalCheckpoint(location, copy, true);
    }

    private static LocalCheckpoint local(String location, Path path) {
        if (!Files.isRegularFile(path)) {
            throw new BadInputException("checkpoint " + location + ": "
                    + (Files.exists(path) ? "not a regular file" : "no such file"));
        }
        return new LocalCheckpoint(location, path, false);
    }

    private static Path fileUri(String location) {
        try {
            return Path.of(URI.create(location));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("checkpoint " + location + ": not a file: URI of an absolute path ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Messages of the readers name the file they read; for a temporary copy, name the original instead. */
    public String rename(String message) {
        return isCopy ? message.replace(path.toString(), location) : message;
    }

    @Override
    public void close() throws IOException {
        if (isCopy) {
            Files.deleteIfExists(path);
        }
    }
}
