package io.vilspark.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vilspark.testing.ReferenceFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OfficialKeyNamesTest {

    private static Tensor scalar() {
        return Tensor.ofFloat32(new long[] {}, new float[] {1});
    }

    @Test
    void everyOfficialNameOfTheReferenceMappingConverts() throws IOException {
        JsonNode mapping = ReferenceFiles.meta("tiny_rgb32_official_layout").get("key_mapping_vilstm2_to_official");
        int count = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); count++) {
            Map.Entry<String, JsonNode> e = it.next();
            String official = e.getValue().asText();
            assertEquals(e.getKey(), OfficialKeyNames.toVisionLstm2Name(official), official);
            assertEquals(e.getKey(), OfficialKeyNames.toVisionLstm2Name("module." + official), official);
            String withoutStackPrefix = official.startsWith("xlstm.") ? official.substring(6) : official;
            assertEquals(e.getKey(), OfficialKeyNames.toVisionLstm2Name(withoutStackPrefix), withoutStackPrefix);
        }
        assertTrue(count > 90);
    }

    @Test
    void visionLstm2NamesPassThroughUnchanged() throws IOException {
        List<String> names = new ArrayList<>(ReferenceFiles.parameterOrder("tiny_rgb32"));
        names.add("legacy_norm.weight");
        names.add("legacy_norm.bias");
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        for (String name : names) {
            assertEquals(name, OfficialKeyNames.toVisionLstm2Name(name));
            assertEquals(name, OfficialKeyNames.toVisionLstm2Name("module." + name));
            sd.put(name, scalar());
        }
        assertEquals(names, new ArrayList<>(OfficialKeyNames.toVisionLstm2Names(sd).keySet()));
    }

    @Test
    void higherBlockIndicesPairUp() {
        assertEquals("blocks.11.rowwise_from_bot_right.layer.conv.weight",
                OfficialKeyNames.toVisionLstm2Name("xlstm.blocks.23.xlstm.conv1d.weight"));
        assertEquals("blocks.5.rowwise_from_top_left.norm.bias",
                OfficialKeyNames.toVisionLstm2Name("blocks.10.xlstm_norm.bias"));
        // not an official pattern: kept as is
        assertEquals("blocks.01.xlstm.q", OfficialKeyNames.toVisionLstm2Name("blocks.01.xlstm.q"));
        assertEquals("xlstm.something", OfficialKeyNames.toVisionLstm2Name("xlstm.something"));
    }

    @Test
    void renamingKeepsOrderAndTensors() throws CheckpointFormatException {
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        Tensor t = scalar();
        sd.put("head.1.bias", t);
        sd.put("xlstm.post_blocks_norm.weight", scalar());
        sd.put("patch_embed.proj.bias", scalar());
        LinkedHashMap<String, Tensor> out = OfficialKeyNames.toVisionLstm2Names(sd);
        assertEquals(List.of("head.bias", "norm.weight", "patch_embed.proj.bias"), new ArrayList<>(out.keySet()));
        assertSame(t, out.get("head.bias"));
    }

    @Test
    void duplicateTargetsAreRefusedNamingBothKeys() {
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("xlstm.blocks.0.xlstm.q_proj.weight", scalar());
        sd.put("blocks.0.rowwise_from_top_left.layer.q_proj.weight", scalar());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> OfficialKeyNames.toVisionLstm2Names(sd, "ckpt.th"));
        assertTrue(e.getMessage().startsWith("ckpt.th: keys 'xlstm.blocks.0.xlstm.q_proj.weight' and "
                + "'blocks.0.rowwise_from_top_left.layer.q_proj.weight'"), e.getMessage());

        LinkedHashMap<String, Tensor> ddp = new LinkedHashMap<>();
        ddp.put("module.norm.weight", scalar());
        ddp.put("norm.weight", scalar());
        assertThrows(CheckpointFormatException.class, () -> OfficialKeyNames.toVisionLstm2Names(ddp));
    }
}
