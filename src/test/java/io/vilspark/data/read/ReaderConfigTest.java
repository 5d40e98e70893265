package io.vilspark.data.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.vilspark.config.ConfigException;
import io.vilspark.data.DatasetManifest;
import io.vilspark.testing.TestShards;
import org.junit.jupiter.api.Test;

/** The reader's HOCON settings: defaults, partial blocks, and errors that name the key. */
class ReaderConfigTest {

    private static Config hocon(String text) {
        return ConfigFactory.parseString(text);
    }

    @Test
    void defaultsAreTheReferenceRecipe() {
        ReaderConfig d = ReaderConfig.defaults();
        assertEquals(AugmentationConfig.REFERENCE, d.augment());
        assertEquals(128, d.batchSize());
        assertEquals(0.875, d.evalCropPct());
        assertEquals("manifest", d.normalisation());
        assertTrue(d.shuffleGlobal());
        assertEquals(0, d.shuffleBuffer());
    }

    @Test
    void theDemoRecipeIsFlipOnly() {
        Config demo = hocon("batch_size = 64, augment { random_resized_crop = false, color_jitter = 0, mixup_alpha = 0,"
                + " cutmix_alpha = 0, label_smoothing = 0 }");
        ReaderConfig c = ReaderConfig.fromConfig(demo, "train.reader");
        assertEquals(AugmentationConfig.FLIP_ONLY, c.augment());
        assertEquals(64, c.batchSize());
        assertEquals(AugmentationConfig.FLIP_ONLY,
                AugmentationConfig.fromConfig(demo.getConfig("augment"), "train.reader.augment"));
    }

    @Test
    void everyAugmentationKeyIsRead() {
        AugmentationConfig a = AugmentationConfig.fromConfig(hocon("random_resized_crop = false, crop_scale = [0.2, 0.9],"
                + " crop_aspect = [0.5, 2], horizontal_flip = 0.25, color_jitter = 0.4, three_augment = true,"
                + " mixup_alpha = 0.2, cutmix_alpha = 0.3, mix_prob = 0.7, switch_prob = 0.1, label_smoothing = 0.05"),
                "augment");
        assertEquals(new AugmentationConfig(false, 0.2, 0.9, 0.5, 2, 0.25, 0.4, true, 0.2, 0.3, 0.7, 0.1, 0.05), a);
    }

    @Test
    void givenNormalisationNeedsMatchingLists() {
        ReaderConfig c = ReaderConfig.fromConfig(hocon("normalisation = given, mean = [0.5], std = [0.25]"), "reader");
        DatasetManifest m = TestShards.manifest(2, 8, 4, 1, TestShards.MEAN1, TestShards.STD1, 1, 1);
        assertEquals(new PixelNormalisation(List.of(0.5), List.of(0.25)), c.normalisationFor(m));
        assertEquals(PixelNormalisation.of(m), ReaderConfig.defaults().normalisationFor(m));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ReaderConfig.fromConfig(hocon("normalisation = given, mean = [0.5, 0.5], std = [0.25]"), "reader"));
        assertTrue(e.getMessage().contains("reader.mean"), e.getMessage());
    }

    @Test
    void unknownKeysAreRefusedByTheirFullPath() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ReaderConfig.fromConfig(hocon("augment { mixup = 0.2 }"), "train.reader"));
        assertEquals("train.reader.augment.mixup", e.key().orElseThrow());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("mixup_alpha"), "lists the known keys: " + e.getMessage());
    }

    @Test
    void badValuesAreRefusedByKeyWithWhatWasExpected() {
        assertBad("augment.horizontal_flip = 1.5", "train.reader.augment.horizontal_flip", "[0.0, 1.0]");
        assertBad("augment.crop_scale = [0.9, 0.1]", "train.reader.augment.crop_scale", "low <= high");
        assertBad("batch_size = 0", "train.reader.batch_size", ">= 1");
        assertBad("batch_size = 2.5", "train.reader.batch_size", "an integer");
        assertBad("shuffle.global = maybe", "train.reader.shuffle.global", "true or false");
        assertBad("normalisation = zscore", "train.reader.normalisation", "manifest, imagenet, given");
        assertBad("augment.mixup_alpha = -1", "train.reader.augment.mixup_alpha", "expected");
        assertBad("shuffle = 3", "train.reader.shuffle", "a block");
        assertBad("eval.crop_pct = 0", "train.reader.eval.crop_pct", "expected");
    }

    private static void assertBad(String text, String key, String fragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ReaderConfig.fromConfig(hocon(text), "train.reader"),
                text);
        assertEquals(key, e.key().orElse(null), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void recordsRefuseImpossibleSettingsToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AugmentationConfig.NONE.withHorizontalFlip(2));
        assertTrue(e.getMessage().contains("horizontal_flip"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReaderConfig.defaults().withBatchSize(0));
        assertThrows(IllegalArgumentException.class,
                () -> ReaderConfig.defaults().withNormalisation(List.of(0.5), List.of(0.0)));
    }
}
