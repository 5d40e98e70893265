package io.vilspark.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.vilspark.registry.ModelRegistry;
import io.vilspark.registry.ModelVersion;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/** Versions for registry tests: the registry copies model files as bytes, so a small stand-in file does. */
public final class RegistryFixtures {
    private RegistryFixtures() {
    }

    /** Registers a version whose "model" is a small text file and whose record names {@code seen} partitions. */
    public static ModelVersion add(ModelRegistry r, String parent, List<String> seen, double top1) throws IOException {
        String id = r.nextVersionId();
        Path model = new Path(r.root(), "incoming-" + id + ".bin");
        Configuration conf = r.hadoop();
        try (FSDataOutputStream out = model.getFileSystem(conf).create(model, true)) {
            out.write(("model " + id).getBytes(StandardCharsets.UTF_8));
        }
        ModelVersion v = new ModelVersion(id, Instant.now().toString(), parent, "run-" + id, r.modelPath(id), "demo",
                List.of(), seen.stream().map(p -> new ModelVersion.Partition(p, r.root() + "/data/" + p, 10, 5)).toList(),
                seen, seen, Map.of("val_top1", top1), Map.of("verdict", "promote", "challenger", Map.of("top1", top1)));
        return r.register(v, model.toString());
    }
}
