package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.typesafe.config.ConfigFactory;
import io.vilspark.config.ConfigException;
import io.vilspark.model.Pooling;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.TinyVil;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRecipeTest {

    @Test
    void demoRecipeIsTheBaselinesRecipe() {
        RecipeFile demo = RecipeFile.load("demo", List.of());
        assertEquals(ViLConfig.builder().dim(64).depth(3).patchSize(4).inputShape(1, 28, 28).numClasses(10)
                .pooling(Pooling.BILATERAL_FLATTEN).legacyNorm(false).build(), demo.model());
        TrainingRecipe r = demo.recipe();
        assertEquals(5, r.epochs());
        assertEquals(128, r.globalBatch());
        assertEquals(1, r.workers());
        assertEquals(128, r.batchPerWorker());
        assertEquals(1e-3, r.lr());
        assertEquals(0, r.lrScaleBatch());
        assertEquals(1e-3, r.peakLr(), "the demo's lr is not scaled");
        assertEquals(1.0, r.warmupEpochs());
        assertEquals(1e-6, r.endLr());
        assertEquals(0.9, r.beta1());
        assertEquals(0.999, r.beta2());
        assertEquals(1e-8, r.eps());
        assertEquals(0.05, r.weightDecay());
        assertEquals(1.0, r.gradClip());
        assertTrue(r.clipsGradients());
        assertEquals(0.0, r.dropPath());
        assertEquals(2, r.aggregationDepth(), "Spark's own default depth");
        assertEquals(Map.of("random_resized_crop", false, "horizontal_flip", 0.5, "color_jitter", 0, "three_augment", false,
                "mixup_alpha", 0, "cutmix_alpha", 0, "label_smoothing", 0), r.augment().root().unwrapped(),
                "horizontal flip only, handed over as written");
    }

    @Test
    void imagenetRecipesFollowTheReference() {
        for (String name : List.of("vil2-tiny-imagenet", "vil2-small-imagenet", "vil2-base-imagenet")) {
            RecipeFile file = RecipeFile.load(name, List.of());
            TrainingRecipe r = file.recipe();
            assertEquals(2048, r.globalBatch(), name);
            assertEquals(2e-3, r.peakLr(), 1e-15, name + ": 1e-3 x 2048 / 1024");
            assertEquals(5.0, r.warmupEpochs(), name);
            assertEquals(0.05, r.weightDecay(), name);
            assertEquals(1.0, r.gradClip(), name);
            assertEquals(List.of(3, 192, 192), List.of(file.model().channels(), file.model().height(), file.model().width()));
            assertEquals(12, file.model().depth(), name);
            assertTrue(file.model().legacyNorm(), name);
            assertEquals(0.0, r.augment().getDouble("label_smoothing"), name);
            assertEquals(r.globalBatch(), r.workers() * r.batchPerWorker(), name);
        }
        TrainingRecipe small = RecipeFile.load("vil2-small-imagenet", List.of()).recipe();
        assertEquals(0.05, small.dropPath());
        assertEquals(400, small.epochs());
        RecipeFile tiny = RecipeFile.load("vil2-tiny-imagenet", List.of());
        assertEquals(800, tiny.recipe().epochs());
        assertEquals(192, tiny.model().dim());
        RecipeFile base = RecipeFile.load("vil2-base-imagenet", List.of());
        assertEquals(0.2, base.recipe().dropPath());
        assertEquals(0.2, base.recipe().trainedModel(base.model()).dropPathRate(), "the recipe's drop path is trained with");
        assertEquals(768, base.model().dim());
    }

    @Test
    void learningRateScalesWithTheGlobalBatch() {
        assertEquals(2e-3, TinyVil.recipe("train.lr_scale_batch=1024", "train.global_batch=2048").peakLr(), 1e-18);
        assertEquals(2.5e-4, TinyVil.recipe("train.lr_scale_batch=1024", "train.global_batch=256").peakLr(), 1e-18);
        assertEquals(5e-4, TinyVil.recipe("train.lr=5e-4", "train.lr_scale_batch=0", "train.global_batch=4096").peakLr());
        assertEquals(1e-3 * 96 / 256, TinyVil.recipe("train.lr_scale_batch=256", "train.global_batch=96",
                "train.workers=3").peakLr(), 1e-18);
    }

    @Test
    void stepsPerEpochCountGlobalBatches() {
        TrainingRecipe demo = TinyVil.recipe(); // 128 images per step, averaging every 16 steps
        assertEquals(469, demo.stepsPerEpoch(60_000), "ceil(60000 / 128) steps, whatever the averaging frequency");
        assertEquals(469, TinyVil.recipe("train.averaging_frequency=1").stepsPerEpoch(60_000));
        assertEquals(469, demo.warmupSteps(469));
        assertEquals(5 * 469, demo.totalSteps(469));
        assertEquals(235, TinyVil.recipe("train.warmup_epochs=0.5").warmupSteps(469));
    }

    @Test
    void aWarmUpAsLongAsTheRunIsClippedToItAndSaysSo() {
        // the demo recipe (warmup_epochs = 1) with one epoch, as vil retrain runs it by default
        RecipeFile oneEpoch = RecipeFile.load("demo", List.of("train.epochs=1"));
        TrainingRecipe r = oneEpoch.recipe();
        assertEquals(468, r.warmupSteps(469), "the warm-up ends one step before the run: the cosine gets the last");
        assertEquals(469, r.totalSteps(469));
        assertEquals("train.warmup_epochs = 1 is not shorter than the run (train.epochs = 1): the warm-up is clipped "
                + "to end one step before the run does", r.warmupNotice().orElseThrow());
        WarmupCosineSchedule.of(r, 469);   // a schedule that the run can use
        assertEquals(0, TinyVil.recipe("train.epochs=1", "train.warmup_epochs=7").warmupSteps(1), "a one-step run");
        assertTrue(TinyVil.recipe().warmupNotice().isEmpty(), "a warm-up shorter than the run is not mentioned");
    }

    @Test
    void workersShareTheGlobalBatch() {
        TrainingRecipe r = TinyVil.recipe("train.workers=4");
        assertEquals(32, r.batchPerWorker());
        assertEquals(128, TinyVil.recipe("train.workers=2", "train.batch_per_worker=64").globalBatch());
        assertBad(List.of("train.workers=3"), "train.global_batch", "128 is not a multiple of train.workers = 3");
        assertBad(List.of("train.workers=2", "train.batch_per_worker=32"), "train.batch_per_worker",
                "32 x train.workers 2 = 64 images per step, but train.global_batch = 128");
    }

    @Test
    void unknownKeysAreRefusedByName(@TempDir Path dir) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> RecipeFile.load("demo", List.of("train.epoch=3")));
        assertEquals("train.epoch", e.key().orElseThrow());
        assertTrue(e.getMessage().endsWith("train.epoch: unknown key (did you mean 'train.epochs'?)"), e.getMessage());

        Path file = dir.resolve("mine.conf");
        Files.writeString(file, "model { dim = 8, depth = 1, patch_size = 2, input_shape = [1, 4, 4] }\n"
                + "train {\n  epochs = 2\n  wieght_decay = 0.1\n}\n");
        e = assertThrows(ConfigException.class, () -> RecipeFile.load(file.toString(), List.of()));
        assertEquals(file + ":4: train.wieght_decay: unknown key (did you mean 'train.weight_decay'?)", e.getMessage());

        // model keys are checked by the model reader, under their full path
        e = assertThrows(ConfigException.class, () -> RecipeFile.load("demo", List.of("model.dimm=96")));
        assertTrue(e.getMessage().contains("model.dimm"), e.getMessage());
        // the augment block is the reader's: it is passed on, not checked here
        assertEquals(0.2, RecipeFile.load("demo", List.of("train.augment.mixup_alpha=0.2")).recipe().augment()
                .getDouble("mixup_alpha"));
    }

    @Test
    void badValuesAreRefusedByName() {
        assertBad(List.of("train.epochs=0"), "train.epochs", "expected an integer >= 1, got 0");
        assertBad(List.of("train.epochs=abc"), "train.epochs", "expected an integer");
        assertBad(List.of("train.lr=-1"), "train.lr", "expected a number > 0, got -1");
        assertBad(List.of("train.lr=0"), "train.lr", "expected a number > 0, got 0");
        assertBad(List.of("train.betas=[0.9]"), "train.betas", "expected a list of 2 numbers in [0.0, 1.0), got [0.9]");
        assertBad(List.of("train.betas=[0.9, 1.0]"), "train.betas", "expected a list of 2 numbers");
        assertBad(List.of("train.eps=0"), "train.eps", "expected a number > 0");
        assertBad(List.of("train.drop_path=1.5"), "train.drop_path", "expected a number in [0.0, 1.0), got 1.5");
        assertBad(List.of("train.drop_path=\"lots\""), "train.drop_path", "expected a number, got \"lots\"");
        assertBad(List.of("train.warmup_epochs=-1"), "train.warmup_epochs", "expected a number >= 0, got -1");
        assertBad(List.of("train.end_lr=0.01"), "train.end_lr", "0.01 is above the peak learning rate 0.001");
        assertBad(List.of("train.grad_clip=-1"), "train.grad_clip", "expected a number >= 0, got -1");
        assertBad(List.of("train.prefetch=-1"), "train.prefetch", "expected an integer >= 0, got -1");
        assertBad(List.of("train.averaging_frequency=0"), "train.averaging_frequency", "expected an integer >= 1");
        assertBad(List.of("train.aggregation_depth=0"), "train.aggregation_depth", "expected an integer in [1, 8]");
        assertBad(List.of("train.sync=bogus"), "train.sync", "expected one of parameters | gradients, got bogus");
        assertBad(List.of("train.sync=[1]"), "train.sync", "expected a string");
        assertBad(List.of("train.augment=5"), "train.augment", "expecting: object");
        assertBad(List.of("train.data_cache=IN_THE_CLOUD"), "train.data_cache",
                "expected a Spark storage level (MEMORY_ONLY, MEMORY_ONLY_SER, MEMORY_AND_DISK_SER, NONE, ...), got IN_THE_CLOUD");
        assertBad(List.of("train.data_cache=[1]"), "train.data_cache", "expected a string");
        // real-valued keys whose default is a whole number take fractions
        assertEquals(0.5, TinyVil.recipe("train.grad_clip=0.5").gradClip());
        assertEquals(2.5, TinyVil.recipe("train.warmup_epochs=2.5").warmupEpochs());
    }

    @Test
    void synchronisedGradientsTakeOneMinibatchPerWorkerPerRound() {
        TrainingRecipe r = TinyVil.recipe("train.sync=gradients", "train.averaging_frequency=5");
        assertEquals(TrainingSync.GRADIENTS, r.sync());
        assertEquals(1, r.minibatchesPerRound(), "every step is a round");
        assertEquals(5, TinyVil.recipe("train.averaging_frequency=5").minibatchesPerRound());
    }

    /** DL4J's default (bytes) unless a recipe says otherwise; NONE means no persisting at all. */
    @Test
    void theEpochsMinibatchesAreCachedAtTheConfiguredLevel() {
        assertEquals(StorageLevel.MEMORY_ONLY_SER(), TrainingRecipe.fromConfig(ConfigFactory.parseString("train {}"))
                .dataStorageLevel());
        assertEquals(StorageLevel.MEMORY_ONLY(), TinyVil.recipe().dataStorageLevel(), "the demo keeps arrays");
        assertEquals(StorageLevel.MEMORY_AND_DISK_SER(), TinyVil.recipe("train.data_cache=MEMORY_AND_DISK_SER")
                .dataStorageLevel());
        assertNull(TinyVil.recipe("train.data_cache=NONE").dataStorageLevel());
    }

    @Test
    void aRecipeNamesItsModelAndItsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("no-model.conf");
        Files.writeString(file, "train { epochs = 2 }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> RecipeFile.load(file.toString(), List.of()));
        assertEquals("model", e.key().orElseThrow());
        e = assertThrows(ConfigException.class, () -> RecipeFile.load("no-such-recipe", List.of()));
        assertTrue(e.getMessage().contains("unknown recipe 'no-such-recipe'; built-in recipes: demo, vil2-tiny-imagenet"),
                e.getMessage());
    }

    @Test
    void readsATrainBlockOnItsOwnWithTheDefaults() {
        TrainingRecipe r = TrainingRecipe.fromConfig(ConfigFactory.parseString("train { epochs = 7 }"));
        assertEquals(7, r.epochs());
        assertEquals(2048, r.globalBatch());
        assertEquals(2e-3, r.peakLr(), 1e-18);
        assertNull(r.dropPath(), "null: the model's own rate");
        assertEquals(TrainingSync.PARAMETERS, r.sync(), "parameter averaging unless a recipe asks for gradients");
        assertEquals(4, r.minibatchesPerRound(), "averaging_frequency minibatches per round");
        ViLConfig model = ViLConfig.builder().dropPathRate(0.1).build();
        assertEquals(model, r.trainedModel(model));
    }

    private static void assertBad(List<String> overrides, String key, String problemPart) {
        ConfigException e = assertThrows(ConfigException.class, () -> RecipeFile.load("demo", overrides), overrides::toString);
        assertEquals(key, e.key().orElse(null), e.getMessage());
        assertTrue(e.problem().contains(problemPart), e.getMessage());
    }
}
