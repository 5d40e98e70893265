package io.vilspark.config;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Named model presets: HOCON files {@code conf/models/<name>.conf} holding a {@code model { ... }}
 * block. The job jar carries them as classpath resources {@code models/<name>.conf}; when running
 * from the source tree (tests, before packaging) the files under {@code conf/models} are used.
 */
public final class ModelPresets {
    /** The presets shipped with the project. */
    public static final List<String> BUILT_IN = List.of("vil2-tiny", "vil2-small", "vil2-base", "demo");

    static final String RESOURCE_DIR = "models/";
    static final Path FILE_DIR = Path.of("conf", "models");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private ModelPresets() {
    }

    /** Built-in presets plus any other {@code conf/models/*.conf} in the working directory, sorted. */
    public static List<String> names() {
        TreeSet<String> names = new TreeSet<>(BUILT_IN);
        if (Files.isDirectory(FILE_DIR)) {
            try (Stream<Path> files = Files.list(FILE_DIR)) {
                files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".conf"))
                        .forEach(f -> names.add(f.substring(0, f.length() - ".conf".length())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + FILE_DIR, e);
            }
        }
        return List.copyOf(names);
    }

    /** The whole preset file (not yet resolved), from the classpath first, else from {@code conf/models}. */
    public static Optional<Config> load(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String file = name + ".conf";
        Config fromJar = HoconFiles.parseResource(ModelPresets.class.getClassLoader(), RESOURCE_DIR + file);
        if (fromJar != null) {
            return Optional.of(fromJar);
        }
        Path onDisk = FILE_DIR.resolve(file);
        return Files.isRegularFile(onDisk) ? Optional.of(HoconFiles.parse(onDisk)) : Optional.empty();
    }
}
