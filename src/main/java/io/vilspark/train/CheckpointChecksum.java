package io.vilspark.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The SHA-256 of a checkpoint, recorded when it is written in a sidecar {@code epoch-NNNN.zip.sha256}
 * ({@code sha256sum} format, so {@code sha256sum -c} checks it too) and verified before a resume trusts
 * the checkpoint: a file truncated or changed on disk after it was written is caught before it is loaded.
 */
final class CheckpointChecksum {
    static final String SUFFIX = ".sha256";

    private CheckpointChecksum() {
    }

    /** Hashes the file as stored and writes its sidecar (atomically, after the file itself). */
    static void record(String file, Configuration hadoop) throws IOException {
        Digest d = digest(file, hadoop);
        String line = d.sha256() + "  " + new Path(file).getName() + "\n";
        AtomicHadoopWrite.write(file + SUFFIX, hadoop, out -> out.write(line.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Why the file does not match its recorded checksum, or empty when it does. A file without a sidecar
     * (written before checksums were recorded, or by a run killed between the two renames) is not judged here.
     */
    static Optional<String> problem(String file, Configuration hadoop) throws IOException {
        Path sidecar = new Path(file + SUFFIX);
        FileSystem fs = sidecar.getFileSystem(hadoop);
        if (!fs.exists(sidecar)) {
            return Optional.empty();
        }
        String recorded;
        try (InputStream in = fs.open(sidecar)) {
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().split("\\s+")[0];
        }
        Digest d = digest(file, hadoop);
        if (d.sha256().equalsIgnoreCase(recorded)) {
            return Optional.empty();
        }
        return Optional.of("sha256 mismatch: recorded " + recorded + " in " + sidecar.getName() + ", the file ("
                + d.bytes() + " bytes) has " + d.sha256() + " (truncated or corrupted after it was written)");
    }

    private record Digest(String sha256, long bytes) {
    }

    private static Digest digest(String file, Configuration hadoop) throws IOException {
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(hadoop);
        // the local file system's own .crc check would fail first with a less clear message: read the raw bytes
        if (fs instanceof ChecksumFileSystem checked) {
            fs = checked.getRawFileSystem();
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        long bytes = 0;
        try (InputStream in = new DigestInputStream(fs.open(path), sha)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                bytes += n;
            }
        }
        return new Digest(HexFormat.of().formatHex(sha.digest()), bytes);
    }
}
