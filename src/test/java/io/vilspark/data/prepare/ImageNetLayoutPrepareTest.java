package io.vilspark.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vilspark.data.DatasetManifest;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.PrepareRuns;
import io.vilspark.testing.Shards;
import io.vilspark.testing.TestImages;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageNet's layout as distributed: train/<wnid>/*.JPEG, val/ flat with a ground-truth file. */
@IntegrationTest
class ImageNetLayoutPrepareTest {
    private static final List<String> WNIDS = List.of("n01440764", "n01443537", "n02119789");

    @TempDir
    Path dir;

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    /** 2 train images per class; 7 flat val images, whose true class is image number mod 3. */
    private Path tree() throws IOException {
        Path root = dir.resolve("ILSVRC/Data/CLS-LOC");
        int n = 0;
        for (String wnid : WNIDS) {
            for (int i = 0; i < 2; i++) {
                write(root.resolve("train/" + wnid + "/" + wnid + "_" + (i + 1) + ".JPEG"),
                        TestImages.jpeg(TestImages.rgb(80 + 10 * i, 60, n++)));
            }
        }
        for (int i = 1; i <= 7; i++) {
            write(root.resolve(String.format("val/ILSVRC2012_val_%08d.JPEG", i)),
                    TestImages.jpeg(TestImages.rgb(64, 70, i)));
        }
        Files.createDirectories(root.resolve("test"));
        return root;
    }

    private static Map<String, Integer> labels(String out, String split) {
        Map<String, Integer> labels = new TreeMap<>();
        Shards.read(out + "/" + split).forEach(r -> labels.put(r.key(), r.label()));
        return labels;
    }

    @Test
    void kaggleSolutionCsvLabelsTheFlatValFolder() throws Exception {
        Path root = tree();
        StringBuilder csv = new StringBuilder("ImageId,PredictionString\n");
        for (int i = 1; i <= 6; i++) { // image 7 has no line: skipped as no_label
            String wnid = WNIDS.get(i % 3);
            csv.append(String.format("ILSVRC2012_val_%08d,%s 1 2 30 40 %s 5 6 20 20%n", i, wnid, wnid));
        }
        Files.writeString(dir.resolve("LOC_val_solution.csv"), csv); // Kaggle: beside ILSVRC/, found by itself
        Files.copy(dir.resolve("LOC_val_solution.csv"), root.getParent().resolve("LOC_val_solution.csv"));
        String out = dir.resolve("in1k").toString();
        PrepareRuns.run(root.toString(), out, 32, 16, "val_labels=\"" + dir.resolve("LOC_val_solution.csv") + "\"");
        DatasetManifest m = DatasetManifest.read(out, new Configuration());
        assertEquals("imagenet", m.source().get("format"));
        assertEquals(WNIDS, m.classes());
        assertEquals(6L, m.rows().get("train"));
        assertEquals(6L, m.rows().get("val"));
        assertEquals(1L, m.skipped().get("no_label"));
        assertEquals(List.of("val/ILSVRC2012_val_00000007.JPEG"), m.skippedExamples().get("no_label"));
        Map<String, Integer> val = labels(out, "val");
        for (int i = 1; i <= 6; i++) {
            assertEquals(i % 3, val.get(String.format("val/ILSVRC2012_val_%08d.JPEG", i)));
        }
        assertEquals(2, labels(out, "train").get("train/n02119789/n02119789_1.JPEG"));
    }

    @Test
    void devkitGroundTruthUsesTheDevkitClassOrder() throws Exception {
        Path root = tree();
        // the devkit numbers classes in its own order: ID 1 = n02119789, 2 = n01440764, 3 = n01443537
        Path devkit = dir.resolve("devkit");
        Files.createDirectories(devkit);
        Files.writeString(devkit.resolve("synsets.txt"), "n02119789 kit fox\nn01440764 tench\nn01443537 goldfish\n");
        StringBuilder truth = new StringBuilder();
        for (int i = 1; i <= 7; i++) {
            truth.append((i % 3) + 1).append('\n');
        }
        Files.writeString(devkit.resolve(ValGroundTruth.DEVKIT_FILE), truth);
        String out = dir.resolve("in1k").toString();
        PrepareRuns.run(root.toString(), out, 32, 16, "format=imagenet",
                "val_labels=\"" + devkit.resolve(ValGroundTruth.DEVKIT_FILE) + "\"",
                "devkit_classes=\"" + devkit.resolve("synsets.txt") + "\"");
        DatasetManifest m = DatasetManifest.read(out, new Configuration());
        assertEquals(7L, m.rows().get("val"));
        List<String> devkitOrder = List.of("n02119789", "n01440764", "n01443537");
        Map<String, Integer> val = labels(out, "val");
        for (int i = 1; i <= 7; i++) {
            String wnid = devkitOrder.get(i % 3);
            assertEquals(WNIDS.indexOf(wnid), val.get(String.format("val/ILSVRC2012_val_%08d.JPEG", i)), "image " + i);
        }
    }
}
