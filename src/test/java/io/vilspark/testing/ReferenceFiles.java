package io.vilspark.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The golden vectors of the reference PyTorch ViL (their README: {@code src/test/resources/reference/README.md}).
 * The small cases ship with the tests; the ViL-T case {@value #LARGE_CASE} (26 MB of weights) does not, only its
 * {@code config.json}. Its other files are looked for in the folder named by {@code -D}{@value #DIR_PROPERTY},
 * else {@code ../shared/reference} beside the checkout; a test that needs them is skipped when they are absent.
 */
public final class ReferenceFiles {
    /** The golden case that is not part of the repository. */
    public static final String LARGE_CASE = "vil2_tiny";
    /** System property naming a folder that holds {@value #LARGE_CASE}. */
    public static final String DIR_PROPERTY = "vil.reference.dir";

    private static final String README = "/reference/README.md";

    private ReferenceFiles() {
    }

    /** The folder of the small golden cases (the test resources' {@code reference}). */
    public static Path dir() {
        URL readme = ReferenceFiles.class.getResource(README);
        if (readme == null) {
            throw new IllegalStateException("test resource " + README + " is missing from the class path");
        }
        try {
            return Path.of(readme.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource " + readme, e);
        }
    }

    /**
     * A file or folder of a golden case, such as {@code tiny_rgb32/weights.safetensors} or
     * {@code mlstm_cell/B2_NH4_S16_DH8}. For the large case, skips the calling test when it is absent.
     */
    public static Path file(String relative) {
        Path small = dir().resolve(relative);
        if (!Path.of(relative).getName(0).toString().equals(LARGE_CASE) || Files.isRegularFile(small)) {
            return small;
        }
        Path large = largeCaseRoot().resolve(relative);
        assumeTrue(Files.exists(large), () -> "skipped: " + large + " is missing. The golden ViL-T case " + LARGE_CASE
                + " (26 MB) is not part of the repository: produce it with the reference PyTorch ViL"
                + " (NX-AI/vision-lstm; src/test/resources/reference/README.md describes its files) or copy it from a"
                + " machine that has it, into ../shared/reference/" + LARGE_CASE + " beside the checkout or into DIR/"
                + LARGE_CASE + " with -D" + DIR_PROPERTY + "=DIR");
        return large;
    }

    /** The folder that may hold the large case: {@code -Dvil.reference.dir}, else {@code ../shared/reference}. */
    public static Path largeCaseRoot() {
        return Path.of(System.getProperty(DIR_PROPERTY, "../shared/reference"));
    }

    /** The {@code config.json} of every small golden model case (and the large case's, which ships too). */
    public static List<Path> configFiles() {
        try (Stream<Path> dirs = Files.list(dir())) {
            return dirs.map(d -> d.resolve("config.json")).filter(Files::isRegularFile).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("reference dir " + dir(), e);
        }
    }

    /** A case's {@code meta.json}. */
    public static JsonNode meta(String caseName) throws IOException {
        return new ObjectMapper().readTree(file(caseName + "/meta.json").toFile());
    }

    /** The state_dict order of a model case's parameters, from its {@code meta.json}. */
    public static List<String> parameterOrder(String caseName) throws IOException {
        List<String> names = new ArrayList<>();
        meta(caseName).get("parameter_order").forEach(n -> names.add(n.asText()));
        return names;
    }
}
