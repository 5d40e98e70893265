package io.vilspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeySuggestionsTest {
    private static final List<String> KEYS = List.of("dim", "depth", "patch_size", "num_classes", "legacy_norm");

    @Test
    void suggestsCloseKeys() {
        assertEquals(Optional.of("dim"), KeySuggestions.closest("dimm", KEYS));
        assertEquals(Optional.of("depth"), KeySuggestions.closest("depht", KEYS));
        assertEquals(Optional.of("num_classes"), KeySuggestions.closest("numClasses", KEYS));
        assertEquals(Optional.of("patch_size"), KeySuggestions.closest("patch", KEYS));
        assertEquals(Optional.of("legacy_norm"), KeySuggestions.closest("legacy-norm", KEYS));
    }

    @Test
    void staysQuietWhenNothingIsClose() {
        assertEquals(Optional.empty(), KeySuggestions.closest("x", KEYS));
        assertEquals(Optional.empty(), KeySuggestions.closest("optimizer", KEYS));
        assertEquals("unknown key", KeySuggestions.unknownKey("seed", KEYS));
    }

    @Test
    void transpositionCostsOne() {
        assertEquals(1, KeySuggestions.distance("depht", "depth"));
        assertEquals(3, KeySuggestions.distance("", "abc"));
    }
}
