package io.vilspark.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.vilspark.config.JobConfig;
import io.vilspark.data.prepare.BadSourceException;
import io.vilspark.data.prepare.PrepareJob;
import io.vilspark.data.prepare.PrepareSettings;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vil extract on Spark local[2] with the local file system. */
@IntegrationTest
class ExtractLocalTest {
    @TempDir
    static Path dir;
    static ExtractScenario scenario;

    @BeforeAll
    static void inputs() throws Exception {
        scenario = new ExtractScenario(FileSystem.getLocal(new Configuration()), dir.toUri().toString().replaceAll("/$", ""),
                dir);
    }

    @Test
    void featuresEqualPredictAndBadImagesAreCounted() throws Exception {
        scenario.featuresEqualPredictAndBadImagesAreCounted(dir.resolve("features").toString());
    }

    @Test
    void crashThenRerunGivesOneRowPerInput() throws Exception {
        scenario.crashThenRerunGivesOneRowPerInput(dir.resolve("crash").toString());
    }

    /**
     * The same images through vil prepare and then extract from the shards give the same features as
     * extract straight from the images (the same decoding code), and the output mirrors the shard files.
     */
    @Test
    void imagesAndTheirPreparedShardsGiveTheSameFeatures() throws Exception {
        String shards = dir.resolve("shards").toString();
        PrepareJob.run(LocalSpark.session(), PrepareSettings.from(JobConfig.load(PrepareSettings.DEFAULTS,
                Optional.empty(), List.of("prepare.input=\"" + scenario.images + "\"", "prepare.output=\"" + shards + "\"",
                        "prepare.resolution=16", "prepare.patch=4", "prepare.val_fraction=0.25",
                        "prepare.progress_seconds=0", "prepare.min_shards=2"))), null);
        String fromShards = dir.resolve("from-shards").toString();
        ExtractJob.Result r = scenario.extract(shards, fromShards);
        assertEquals("shards", r.format(), "detected by the manifest");
        // one output file per shard file, same name, same split folder
        for (String split : List.of("train", "val")) {
            assertEquals(parquetNames(Path.of(shards, split)), parquetNames(Path.of(fromShards, split)), split);
        }
        String fromImages = dir.resolve("from-images").toString();
        scenario.extract(scenario.images, fromImages);
        Map<String, Row> a = scenario.rows(fromShards);
        Map<String, Row> b = scenario.rows(fromImages);
        // prepare keeps only images with a label (loose files are ignored there)
        assertEquals(ExtractScenario.VALID - 1, a.size());
        for (Map.Entry<String, Row> e : a.entrySet()) {
            Row other = b.get(e.getKey());
            // same pixels; minibatches grouped differently round differently (float32), hence 1e-5
            assertArrayEquals(ExtractScenario.floats(other, "features"), ExtractScenario.floats(e.getValue(), "features"),
                    1e-5f, e.getKey());
            assertEquals(other.getInt(other.fieldIndex("label")), e.getValue().getInt(e.getValue().fieldIndex("label")));
        }
    }

    private static TreeSet<String> parquetNames(Path folder) throws Exception {
        TreeSet<String> names = new TreeSet<>();
        try (var files = Files.list(folder)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")).forEach(names::add);
        }
        assertTrue(names.size() >= 1, folder.toString());
        return names;
    }

    @Test
    void anOutputFolderOfAnotherPlanIsRefusedUnlessOverwriting() throws Exception {
        String out = dir.resolve("replan").toString();
        scenario.extract(scenario.images, out);
        BadSourceException e = assertThrows(BadSourceException.class,
                () -> scenario.extract(scenario.images, out, "extract.logits=true"));
        assertTrue(e.getMessage().contains("holds an extraction of another plan (columns differ)"), e.getMessage());
        ExtractJob.Result r = scenario.extract(scenario.images, out, "extract.logits=true", "extract.overwrite=true");
        assertEquals(0, r.resumedPartitions());
        assertTrue(scenario.rows(out).values().iterator().next().schema().fieldNames().length == 4, "logits written");
        BadSourceException notOurs = assertThrows(BadSourceException.class,
                () -> scenario.extract(scenario.images, dir.toString()));
        assertTrue(notOurs.getMessage().contains("is not an extract output folder"), notOurs.getMessage());
        assertFalse(notOurs.getMessage().contains("--overwrite"), "no advice to overwrite what is not ours");
    }

    @Test
    void overwriteNeverDeletesAFolderThatIsNotAnExtraction() throws Exception {
        Path mine = dir.resolve("my-notes");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.txt"), "years of work");
        BadSourceException e = assertThrows(BadSourceException.class,
                () -> scenario.extract(scenario.images, mine.toString(), "extract.overwrite=true"));
        assertTrue(e.getMessage().contains("is not an extract output folder"), e.getMessage());
        assertEquals("years of work", Files.readString(mine.resolve("thesis.txt")), "the folder is left as it was");
        assertEquals(1, Files.list(mine).count());
        Path file = dir.resolve("a-file");
        Files.writeString(file, "mine too");
        assertThrows(BadSourceException.class,
                () -> scenario.extract(scenario.images, file.toString(), "extract.overwrite=true"));
        assertEquals("mine too", Files.readString(file));
    }
}
