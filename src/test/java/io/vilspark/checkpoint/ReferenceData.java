package io.vilspark.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates the golden files of ../shared/reference (see its README). */
final class ReferenceData {

    private ReferenceData() {
    }

    static Path dir() {
        return Path.of(System.getProperty("vil.reference.dir", "../shared/reference"));
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }

    static JsonNode meta(String caseName) throws IOException {
        return new ObjectMapper().readTree(file(caseName + "/meta.json").toFile());
    }

    static List<String> parameterOrder(String caseName) throws IOException {
        List<String> names = new ArrayList<>();
        meta(caseName).get("parameter_order").forEach(n -> names.add(n.asText()));
        return names;
    }
}
