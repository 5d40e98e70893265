package io.vilspark.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;

/** The reference's config.json: a JSON object of VisionLSTM2 keyword arguments. Reading and writing only. */
final class ReferenceJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ReferenceJson() {
    }

    /** The top-level object as plain values; malformed JSON is reported with its line. */
    static SettingsBlock parse(String json, String sourceName) {
        Object parsed;
        try {
            parsed = MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? sourceName : sourceName + ":" + at.getLineNr();
            throw new ConfigException(where, null, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ConfigException(sourceName, null,
                    "expected a JSON object of VisionLSTM2 arguments, got " + PlainValues.render(parsed));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return SettingsBlock.ofJson(object, sourceName);
    }

    /** Laid out like Python's {@code json.dump(..., indent=2)}, so files diff cleanly against the golden ones. */
    static String write(Map<String, Object> arguments) {
        try {
            return MAPPER.writer(new PythonStylePrinter()).writeValueAsString(arguments) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write model arguments as JSON", e);
        }
    }

    /** Two-space indent for objects and arrays, {@code "key": value}. */
    private static final class PythonStylePrinter extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        PythonStylePrinter() {
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new PythonStylePrinter();
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }
}
