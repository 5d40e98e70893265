package io.vilspark.data.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TestShards;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a dataset can be wrong gives an error that names the file, column, row or setting. */
@IntegrationTest
class ReaderErrorsTest {
    private static final PatchLayout LAYOUT = new PatchLayout(1, 2, 2, 4);
    private static final ViLConfig MODEL =
            ViLConfig.builder().dim(8).depth(1).patchSize(4).inputShape(1, 8, 8).numClasses(3).build();

    @TempDir
    Path root;

    private ShardDataSetIterator open(ReadMode mode) throws IOException {
        return ShardDataSetIterator.open(root.toString(), "train", MODEL, ReaderConfig.defaults().withBatchSize(4)
                .withAugment(AugmentationConfig.NONE), mode, 0, new Configuration());
    }

    private void manifest() throws IOException {
        TestShards.writeManifest(root, TestShards.manifest(3, 8, 4, 1, TestShards.MEAN1, TestShards.STD1, 2, 0));
    }

    private static Row row(String key, int label, int gridH, int gridW, int patch, int channels, int bytes) {
        return RowFactory.create(key, label, gridH, gridW, patch, channels, new byte[bytes]);
    }

    @Test
    void missingManifestNamesTheFile() {
        IOException e = assertThrows(IOException.class, () -> open(ReadMode.EVAL));
        assertTrue(e.getMessage().contains("_manifest.json") && e.getMessage().contains("missing dataset manifest"),
                e.getMessage());
    }

    @Test
    void missingSplitFolderIsNamed() throws IOException {
        manifest();
        ShardDataException e = assertThrows(ShardDataException.class, () -> open(ReadMode.EVAL));
        assertTrue(e.getMessage().endsWith("train: no such split folder"), e.getMessage());
        ShardDataException spark = assertThrows(ShardDataException.class, () -> ShardDatasets.read(LocalSpark.session(),
                root.toString(), "train", MODEL, ReaderConfig.defaults(), ReadMode.EVAL, 0));
        assertTrue(spark.getMessage().endsWith("train: no such split folder"), spark.getMessage());
    }

    @Test
    void schemaMismatchNamesTheFileAndEachColumn() throws IOException {
        manifest();
        StructType wrong = new StructType(new StructField[] {
                DataTypes.createStructField("key", DataTypes.StringType, false),
                DataTypes.createStructField("label", DataTypes.LongType, false),
                DataTypes.createStructField("grid_h", DataTypes.IntegerType, false),
                DataTypes.createStructField("grid_w", DataTypes.IntegerType, false),
                DataTypes.createStructField("channels", DataTypes.IntegerType, false),
                DataTypes.createStructField("pixels", DataTypes.BinaryType, false)});
        TestShards.writeRows(root, "train", List.of(RowFactory.create("a", 1L, 2, 2, 1, new byte[64])), wrong, 1);
        ShardDataException local = assertThrows(ShardDataException.class, () -> open(ReadMode.EVAL).next());
        assertTrue(local.getMessage().contains(".parquet: not a ViL patch shard"), local.getMessage());
        assertTrue(local.getMessage().contains("column 'label' is bigint, expected int"), local.getMessage());
        assertTrue(local.getMessage().contains("missing column 'patch' (int)"), local.getMessage());
        ShardDataException spark = assertThrows(ShardDataException.class,
                () -> ShardDatasets.read(LocalSpark.session(), root.toString(), "train", MODEL, ReaderConfig.defaults(),
                        ReadMode.EVAL, 0));
        assertTrue(spark.getMessage().contains("column 'label' is bigint, expected int"), spark.getMessage());
    }

    @Test
    void rowsThatDisagreeWithTheManifestAreNamedByKey() throws IOException {
        manifest();
        TestShards.writeRows(root, "train", List.of(
                row("good", 1, 2, 2, 4, 1, 64),
                row("bad/geometry", 1, 2, 3, 4, 1, 64),
                row("bad/bytes", 2, 2, 2, 4, 1, 63)), io.vilspark.data.PatchShardSchema.SCHEMA, 1);
        ShardDataException e = assertThrows(ShardDataException.class, () -> open(ReadMode.EVAL).next());
        assertTrue(e.getMessage().contains("row 'bad/bytes' disagrees with the dataset manifest: pixels has 63 bytes, "
                + "expected 64"), e.getMessage());
        assertTrue(e.getMessage().contains(".parquet: "), "names the file: " + e.getMessage());
        // through Spark the executor's error reaches the driver with the same text
        SparkException spark = assertThrows(SparkException.class, () -> ShardDatasets.read(LocalSpark.session(),
                root.toString(), "train", MODEL, ReaderConfig.defaults().withBatchSize(1), ReadMode.EVAL, 0).count());
        ShardDataException cause = ShardDataException.findIn(spark);
        assertTrue(cause != null && cause.getMessage().contains("row 'bad/"), String.valueOf(spark.getMessage()));
    }

    @Test
    void geometryMismatchListsEveryColumnThatDiffers() {
        RecordCheck check = new RecordCheck(LAYOUT, 3, false);
        ShardDataException e = assertThrows(ShardDataException.class,
                () -> check.check(new ShardRecord("x/1", 0, 3, 2, 8, 3, new byte[10], "f.parquet")));
        assertEquals("f.parquet: row 'x/1' disagrees with the dataset manifest: grid_h 3 (manifest: 2); patch 8 "
                + "(manifest: 4); channels 3 (manifest: 1); pixels has 10 bytes, expected 64 (2x2 patches of 1x4x4)",
                e.getMessage());
    }

    @Test
    void labelsOutOfRangeAndUnlabelledTrainingRowsAreRefused() {
        ShardDataException range = assertThrows(ShardDataException.class,
                () -> new RecordCheck(LAYOUT, 3, false).check(new ShardRecord("k", 3, 2, 2, 4, 1, new byte[64], null)));
        assertEquals("row 'k': label 3 out of range (the manifest lists 3 classes, indices 0-2, or -1 for unlabelled)",
                range.getMessage());
        new RecordCheck(LAYOUT, 3, false).check(new ShardRecord("k", -1, 2, 2, 4, 1, new byte[64], null));
        ShardDataException unlabelled = assertThrows(ShardDataException.class,
                () -> new RecordCheck(LAYOUT, 3, true).check(new ShardRecord("k", -1, 2, 2, 4, 1, new byte[64], null)));
        assertTrue(unlabelled.getMessage().contains("unlabelled (label -1), but training needs a label"),
                unlabelled.getMessage());
    }

    @Test
    void nullColumnsAreNamed() {
        ShardDataException e = assertThrows(ShardDataException.class,
                () -> ShardRecord.fromRow(RowFactory.create("k9", 1, 2, 2, null, 1, new byte[64], "s.parquet")));
        assertEquals("s.parquet: row 'k9': column 'patch' is null", e.getMessage());
    }

    @Test
    void aDatasetThatDoesNotFitTheModelNamesEachDifference() {
        DatasetManifest m = TestShards.manifest(10, 28, 7, 1, TestShards.MEAN1, TestShards.STD1, 1, 1);
        ViLConfig model = ViLConfig.builder().dim(8).depth(1).patchSize(16).inputShape(3, 32, 32).numClasses(1000).build();
        ShardDataException e = assertThrows(ShardDataException.class, () -> ModelCompatibility.checkCompatible(m, model));
        assertEquals("dataset does not fit the model: channels: dataset 1, model input_shape 3; patch: dataset 7, model "
                + "patch_size 16; classes: dataset 10, model num_classes 1000; resolution: dataset stores 28x28 images, "
                + "smaller than the model's 32x32 input (prepare with --resolution 32 or more)", e.getMessage());
        // larger stored images are fine (cropped), and so is an unlabelled dataset
        ModelCompatibility.checkCompatible(TestShards.manifest(3, 12, 4, 1, TestShards.MEAN1, TestShards.STD1, 1, 1), MODEL);
        ModelCompatibility.checkCompatible(TestShards.manifest(0, 8, 4, 1, TestShards.MEAN1, TestShards.STD1, 1, 1), MODEL);
    }

    @Test
    void normalisationWithTheWrongChannelCountIsRefused() throws IOException {
        manifest();
        Files.createDirectories(root.resolve("train"));
        ShardDataException e = assertThrows(ShardDataException.class, () -> ShardDataSetIterator.open(root.toString(),
                "train", MODEL, ReaderConfig.defaults().withImagenetNormalisation(), ReadMode.EVAL, 0, new Configuration()));
        assertTrue(e.getMessage().contains("normalisation 'imagenet' has 3 channel(s)"), e.getMessage());
    }

    @Test
    void anEmptySplitFolderIsNamed() throws IOException {
        manifest();
        Files.createDirectories(root.resolve("train"));
        Files.writeString(root.resolve("train/_SUCCESS"), "");
        ShardDataException e = assertThrows(ShardDataException.class, () -> open(ReadMode.EVAL));
        assertTrue(e.getMessage().endsWith("train: no shard files in the split folder"), e.getMessage());
    }
}
