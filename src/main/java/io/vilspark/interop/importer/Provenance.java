package io.vilspark.interop.importer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where a model file came from, so a registry entry can be traced back to its checkpoint and command. */
public final class Provenance {
    private Provenance() {
    }

    /**
     * @param commandLine the {@code vil} arguments that made the file
     * @param toolVersion the version of the build that made it
     */
    public static Map<String, Object> ofImport(String checkpoint, String sha256, List<String> commandLine,
                                               String toolVersion) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("source", checkpoint);
        p.put("source_sha256", sha256);
        p.put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        p.put("command", "vil " + String.join(" ", commandLine));
        p.put("tool_version", toolVersion);
        return p;
    }

    /** The SHA-256 of a file's bytes, as lower-case hex ({@code sha256sum}'s form). */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
