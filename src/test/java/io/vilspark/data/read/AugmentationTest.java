package io.vilspark.data.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import io.vilspark.data.PatchLayout;
import io.vilspark.image.ChwImage;
import io.vilspark.testing.InMemoryShards;
import io.vilspark.testing.TestShards;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** Each per-image augmentation's defining property, and the reproducibility of the whole recipe. */
class AugmentationTest {
    private static final int SIZE = 16;
    private static final int PATCH = 4;
    private static final int CLASSES = 4;
    private static final PatchLayout LAYOUT = new PatchLayout(3, SIZE / PATCH, SIZE / PATCH, PATCH);
    private static final List<TestShards.Image> IMAGES = TestShards.randomImages(20, 3, SIZE, CLASSES, 3);
    private static final List<ShardRecord> RECORDS = InMemoryShards.records(IMAGES, LAYOUT);

    private static ReaderConfig config(AugmentationConfig a) {
        return ReaderConfig.defaults().withBatchSize(8).withAugment(a);
    }

    private static List<DataSet> train(AugmentationConfig a, int modelSize, long seed, int epoch, int partition) {
        ReaderPlan plan = InMemoryShards.plan(3, SIZE, PATCH, CLASSES, modelSize, config(a).withSeed(seed), ReadMode.TRAIN, epoch);
        return InMemoryShards.read(plan, RECORDS, partition);
    }

    private static List<DataSet> eval(int modelSize, double cropPct) {
        ReaderPlan plan = InMemoryShards.plan(3, SIZE, PATCH, CLASSES, modelSize,
                config(AugmentationConfig.NONE).withEvalCropPct(cropPct), ReadMode.EVAL, 0);
        return InMemoryShards.read(plan, RECORDS, 0);
    }

    @Test
    void flipWithProbabilityOneMirrorsEveryImageExactly() {
        List<DataSet> plain = eval(SIZE, 0.875);
        List<DataSet> flipped = train(AugmentationConfig.NONE.withHorizontalFlip(1.0), SIZE, 1, 0, 0);
        for (int j = 0; j < plain.size(); j++) {
            for (int b = 0; b < plain.get(j).numExamples(); b++) {
                assertArrayEquals(InMemoryShards.mirrored(InMemoryShards.image(plain.get(j), b), 3, SIZE, SIZE),
                        InMemoryShards.image(flipped.get(j), b), 0f);
            }
        }
    }

    @Test
    void theDemoRecipeFlipsAboutHalfTheImagesAndChangesNothingElse() {
        List<DataSet> plain = eval(SIZE, 0.875);
        List<DataSet> demo = train(AugmentationConfig.FLIP_ONLY, SIZE, 5, 0, 0);
        int flips = 0;
        int images = 0;
        for (int j = 0; j < plain.size(); j++) {
            assertEquals(plain.get(j).getLabels(), demo.get(j).getLabels(), "no mixing or smoothing in the demo recipe");
            for (int b = 0; b < plain.get(j).numExamples(); b++) {
                float[] p = InMemoryShards.image(plain.get(j), b);
                float[] d = InMemoryShards.image(demo.get(j), b);
                boolean same = Arrays.equals(p, d);
                boolean mirrored = Arrays.equals(InMemoryShards.mirrored(p, 3, SIZE, SIZE), d);
                assertTrue(same || mirrored, "image " + b + " is neither the original nor its mirror");
                flips += mirrored ? 1 : 0;
                images++;
            }
        }
        assertTrue(flips > 3 && flips < images - 3, flips + " of " + images + " flipped");
    }

    @Test
    void trainingWithoutAugmentationAtTheStoredSizeIsTheEvaluationPath() {
        List<DataSet> plain = eval(SIZE, 0.875);
        List<DataSet> train = train(AugmentationConfig.NONE, SIZE, 9, 0, 0);
        for (int j = 0; j < plain.size(); j++) {
            assertEquals(plain.get(j).getFeatures(), train.get(j).getFeatures());
        }
    }

    @Test
    void randomResizedCropProducesTheModelSizeWithinThePixelRange() {
        AugmentationConfig crop = AugmentationConfig.NONE.withRandomResizedCrop(true);
        for (DataSet ds : train(crop, 12, 2, 0, 0)) {
            assertArrayEquals(new long[] {ds.numExamples(), 3, 12, 12}, ds.getFeatures().shape());
            for (int c = 0; c < 3; c++) {
                float lo = TestShards.normalised(0, TestShards.MEAN3.get(c), TestShards.STD3.get(c));
                float hi = TestShards.normalised(255, TestShards.MEAN3.get(c), TestShards.STD3.get(c));
                var channel = ds.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(c));
                assertTrue(channel.minNumber().floatValue() >= lo - 1e-6 && channel.maxNumber().floatValue() <= hi + 1e-6);
            }
        }
        // upscaling crops work too (stored 16, model 24)
        assertArrayEquals(new long[] {8, 3, 24, 24}, train(crop, 24, 2, 0, 0).get(0).getFeatures().shape());
    }

    @Test
    void randomResizedCropWindowsFollowTheScaleAndAspectRanges() {
        SplittableRandom rng = new SplittableRandom(4);
        int fallbacks = 0;
        for (int i = 0; i < 2000; i++) {
            RandomResizedCrop.Window w = RandomResizedCrop.sample(200, 300, 0.08, 1.0, 0.75, 4.0 / 3, rng);
            assertTrue(w.top() >= 0 && w.left() >= 0 && w.top() + w.height() <= 200 && w.left() + w.width() <= 300, w.toString());
            double area = (double) w.height() * w.width() / (200 * 300);
            double aspect = (double) w.width() / w.height();
            // rounding to whole pixels moves area and aspect slightly
            assertTrue(area > 0.07 && area <= 1.0, "area " + area);
            if (w.height() == 200 && w.width() == 267) {
                fallbacks++;
            } else {
                assertTrue(aspect > 0.74 && aspect < 1.35, "aspect " + aspect);
            }
        }
        assertTrue(fallbacks < 200, fallbacks + " fallbacks");
        // a range no crop can satisfy falls back to the largest centred crop with the nearest aspect
        RandomResizedCrop.Window w = RandomResizedCrop.sample(100, 400, 1.0, 1.0, 0.5, 0.5, rng);
        assertEquals(new RandomResizedCrop.Window(0, 175, 100, 50), w);
    }

    @Test
    void bicubicResizeKeepsConstantsAndIsTheIdentityAtScaleOne() {
        ChwImage flat = new ChwImage(1, 10, 14, filled(140, 77f));
        ChwImage down = flat.resized(0, 0, 10, 14, 4, 5);
        ChwImage up = flat.resized(2, 3, 5, 5, 13, 13);
        for (float v : down.values()) {
            assertEquals(77f, v, 1e-3);
        }
        for (float v : up.values()) {
            assertEquals(77f, v, 1e-3);
        }
        float[] random = new float[3 * 9 * 11];
        Random r = new Random(1);
        for (int i = 0; i < random.length; i++) {
            random[i] = r.nextInt(256);
        }
        ChwImage img = new ChwImage(3, 9, 11, random);
        assertArrayEquals(random, img.resized(0, 0, 9, 11, 9, 11).values(), 0f);
        assertArrayEquals(img.crop(2, 3, 5, 6).values(), img.resized(2, 3, 5, 6, 5, 6).values(), 0f);
        // a horizontal ramp halves to a ramp (antialiased downscale averages neighbours)
        float[] ramp = new float[8 * 16];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                ramp[y * 16 + x] = 10 * x;
            }
        }
        ChwImage half = new ChwImage(1, 8, 16, ramp).resized(0, 0, 8, 16, 8, 8);
        for (int x = 2; x < 6; x++) {
            assertEquals(20 * x + 5, half.get(0, 3, x), 1e-3, "interior of the ramp at x " + x);
        }
    }

    @Test
    void evaluationResizesTheShorterSideThenCropsTheCentre() {
        // stored 16, model 14, crop_pct 0.875: floor(14 / 0.875) = 16, so no resize, a centre crop at (1, 1)
        List<DataSet> cropped = eval(14, 0.875);
        List<DataSet> full = eval(SIZE, 0.875);
        float[] whole = InMemoryShards.image(full.get(0), 0);
        float[] centre = InMemoryShards.image(cropped.get(0), 0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 14; y++) {
                for (int x = 0; x < 14; x++) {
                    assertEquals(whole[(c * SIZE + y + 1) * SIZE + x + 1], centre[(c * 14 + y) * 14 + x], 0f);
                }
            }
        }
        assertArrayEquals(new int[] {256, 341}, ResizeCentreCrop.resizedSize(300, 400, 224, 224, 0.875));
        assertArrayEquals(new int[] {224, 224}, ResizeCentreCrop.resizedSize(256, 256, 224, 224, 1.0));
        assertArrayEquals(new long[] {8, 3, 8, 8}, eval(8, 1.0).get(0).getFeatures().shape());
    }

    @Test
    void colourJitterStaysInRangeAndEachBlendDoesWhatItSays() {
        ChwImage grey = new ChwImage(3, 2, 2, filled(12, 100f));
        ColorJitter.saturation(grey, 0.3f);
        assertArrayEquals(filled(12, 100f), grey.values(), 1e-4f, "saturation leaves a grey image alone");
        ChwImage img = new ChwImage(3, 2, 2, new float[] {0, 50, 100, 150, 10, 60, 110, 160, 20, 70, 120, 170});
        ChwImage bright = new ChwImage(3, 2, 2, img.values().clone());
        ColorJitter.brightness(bright, 2f);
        assertArrayEquals(new float[] {0, 100, 200, 255, 20, 120, 220, 255, 40, 140, 240, 255}, bright.values(), 1e-4f);
        ChwImage flat = new ChwImage(3, 2, 2, img.values().clone());
        ColorJitter.contrast(flat, 0f);
        float mean = 0;
        for (float v : img.luma()) {
            mean += v / 4;
        }
        assertArrayEquals(filled(12, mean), flat.values(), 1e-3f, "contrast 0 gives the mean luma everywhere");
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 50; i++) {
            for (float v : ColorJitter.apply(img, 0.9, rng).values()) {
                assertTrue(v >= 0 && v <= 255);
            }
        }
    }

    @Test
    void threeAugmentOperations() {
        ChwImage img = new ChwImage(3, 2, 2, new float[] {0, 127, 128, 255, 10, 60, 110, 160, 20, 70, 120, 170});
        ChwImage gray = ThreeAugment.grayscale(img);
        for (int i = 0; i < 4; i++) {
            assertEquals(gray.values()[i], gray.values()[4 + i], 0f);
            assertEquals(gray.values()[i], gray.values()[8 + i], 0f);
            assertEquals(0.299f * img.values()[i] + 0.587f * img.values()[4 + i] + 0.114f * img.values()[8 + i], gray.values()[i], 1e-3f);
        }
        assertArrayEquals(new float[] {0, 127, 127, 0, 10, 60, 110, 95, 20, 70, 120, 85},
                ThreeAugment.solarise(img).values(), 0f);
        ChwImage flat = new ChwImage(1, 9, 9, filled(81, 42f));
        assertArrayEquals(filled(81, 42f), ThreeAugment.blur(flat, 1.7).values(), 1e-3f);
        float[] spike = new float[81];
        spike[40] = 255;
        ChwImage blurred = ThreeAugment.blur(new ChwImage(1, 9, 9, spike), 1.0);
        assertTrue(blurred.get(0, 4, 4) < 255 && blurred.get(0, 4, 5) > 0 && blurred.get(0, 3, 3) > 0);
        double total = 0;
        for (float v : blurred.values()) {
            total += v;
        }
        assertEquals(255, total, 0.5, "blur keeps the total");
        // every image of a batch gets exactly one of the three (seen over many images: all three occur)
        SplittableRandom rng = new SplittableRandom(8);
        ChwImage colour = new ChwImage(3, 2, 2, new float[] {0, 200, 130, 255, 10, 60, 110, 160, 20, 70, 120, 170});
        boolean sawGray = false;
        boolean sawSolar = false;
        boolean sawBlur = false;
        for (int i = 0; i < 60; i++) {
            float[] out = ThreeAugment.apply(colour, rng).values();
            if (Arrays.equals(out, ThreeAugment.grayscale(colour).values())) {
                sawGray = true;
            } else if (Arrays.equals(out, ThreeAugment.solarise(colour).values())) {
                sawSolar = true;
            } else {
                sawBlur = true;
            }
        }
        assertTrue(sawGray && sawSolar && sawBlur);
    }

    @Test
    void sameSeedSameBatchesAnotherSeedEpochOrPartitionOthers() {
        AugmentationConfig all = AugmentationConfig.REFERENCE.withThreeAugment(true);
        List<DataSet> a = train(all, 12, 11, 0, 0);
        List<DataSet> b = train(all, 12, 11, 0, 0);
        for (int j = 0; j < a.size(); j++) {
            assertEquals(a.get(j).getFeatures(), b.get(j).getFeatures());
            assertEquals(a.get(j).getLabels(), b.get(j).getLabels());
        }
        assertNotEquals(a.get(0).getFeatures(), train(all, 12, 12, 0, 0).get(0).getFeatures(), "another seed");
        assertNotEquals(a.get(0).getFeatures(), train(all, 12, 11, 1, 0).get(0).getFeatures(), "another epoch");
        assertNotEquals(a.get(0).getFeatures(), train(all, 12, 11, 0, 1).get(0).getFeatures(), "another partition");
    }

    @Test
    void shuffleBufferReordersReproduciblyAndLosesNothing() {
        ReaderConfig buffered = config(AugmentationConfig.NONE).withShuffle(false, 7).withSeed(3);
        ReaderPlan plan = InMemoryShards.plan(3, SIZE, PATCH, CLASSES, SIZE, buffered, ReadMode.TRAIN, 0);
        List<String> once = keys(InMemoryShards.read(plan, RECORDS, 0));
        List<String> twice = keys(InMemoryShards.read(plan, RECORDS, 0));
        List<String> nextEpoch = keys(InMemoryShards.read(plan.forEpoch(1), RECORDS, 0));
        List<String> stored = IMAGES.stream().map(TestShards.Image::key).toList();
        assertEquals(once, twice);
        assertNotEquals(stored, once);
        assertNotEquals(once, nextEpoch);
        assertEquals(stored.stream().sorted().toList(), once.stream().sorted().toList());
        // evaluation never shuffles
        ReaderPlan evalPlan = InMemoryShards.plan(3, SIZE, PATCH, CLASSES, SIZE, buffered, ReadMode.EVAL, 0);
        assertEquals(stored, keys(InMemoryShards.read(evalPlan, RECORDS, 0)));
    }

    @Test
    void onlyTheUntouchedTrainingPathSkipsTheFloatImage() {
        assertTrue(new TrainTransform(AugmentationConfig.NONE, SIZE, SIZE, SIZE, SIZE, 0.875).exact());
        assertFalse(new TrainTransform(AugmentationConfig.FLIP_ONLY, SIZE, SIZE, SIZE, SIZE, 0.875).exact());
        assertFalse(new TrainTransform(AugmentationConfig.NONE, SIZE, SIZE, 12, 12, 0.875).exact());
        assertTrue(new EvalTransform(SIZE, SIZE, SIZE, SIZE, 0.875).exact());
        assertFalse(new EvalTransform(SIZE, SIZE, 12, 12, 0.875).exact());
    }

    static List<String> keys(List<DataSet> batches) {
        List<String> out = new ArrayList<>();
        batches.forEach(ds -> out.addAll(ds.getExampleMetaData(String.class)));
        return out;
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
