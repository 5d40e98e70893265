package io.vilspark.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The golden model cases of the reference implementation (directories with a config.json). */
final class ReferenceCases {
    private ReferenceCases() {
    }

    static Path dir() {
        return Path.of(System.getProperty("vil.reference.dir", "../shared/reference"));
    }

    static List<Path> configFiles() {
        try (Stream<Path> dirs = Files.list(dir())) {
            return dirs.map(d -> d.resolve("config.json")).filter(Files::isRegularFile).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("reference dir " + dir() + " (set -Dvil.reference.dir)", e);
        }
    }
}
