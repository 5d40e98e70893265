package io.vilspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest of a dataset union: rows summed, normalisation given or row-weighted, mismatched members refused. */
class DatasetUnionTest {
    @TempDir
    Path dir;

    private String member(String name, List<String> classes, double mean, long train) throws IOException {
        String root = dir.resolve(name).toString();
        new DatasetManifest(DatasetManifest.FORMAT_VERSION, classes, 28, 28, 4, 1, List.of(mean), List.of(0.3),
                Map.of("train", train, "val", 10L), Map.of(), Map.of(), Map.of()).write(root, new Configuration());
        return root;
    }

    @Test
    void unionManifestSumsRowsAndWeighsTheNormalisationByTrainRows() throws Exception {
        Configuration conf = new Configuration();
        String a = member("a", List.of("x", "y"), 0.2, 100);
        String b = member("b", List.of("x", "y"), 0.6, 300);
        String u = dir.resolve("u").toString();
        DatasetUnion.write(u, List.of(a, b), null, null, conf);
        DatasetManifest m = DatasetManifest.read(u, conf);
        assertEquals(400L, m.rows().get("train"));
        assertEquals(20L, m.rows().get("val"));
        assertEquals(0.5, m.mean().get(0), 1e-12, "(100 x 0.2 + 300 x 0.6) / 400");
        assertEquals(List.of(a, b), DatasetUnion.members(u, conf));
        assertTrue(DatasetUnion.members(a, conf).isEmpty(), "a plain dataset is no union");

        String given = dir.resolve("given").toString();
        DatasetUnion.write(given, List.of(a, b), List.of(0.25), List.of(0.5), conf);
        assertEquals(List.of(0.25), DatasetManifest.read(given, conf).mean(), "the champion's normalisation kept");

        String c = member("c", List.of("x", "z"), 0.2, 100);
        IOException e = assertThrows(IOException.class,
                () -> DatasetUnion.write(dir.resolve("bad").toString(), List.of(a, c), null, null, conf));
        assertTrue(e.getMessage().contains(c) && e.getMessage().contains("prepared alike"), e.getMessage());
    }
}
