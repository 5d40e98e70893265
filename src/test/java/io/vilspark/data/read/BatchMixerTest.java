package io.vilspark.data.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.vilspark.data.PatchLayout;
import io.vilspark.testing.InMemoryShards;
import io.vilspark.testing.TestShards;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** Mixup, CutMix and label smoothing: label rows sum to 1 and agree with the pixels. */
class BatchMixerTest {
    private static final int SIZE = 8;
    private static final int CLASSES = 6;
    private static final PatchLayout LAYOUT = new PatchLayout(1, 2, 2, 4);

    /** Six constant images with distinct values and distinct labels, so each pixel tells its source. */
    private static List<ShardRecord> constants() {
        List<TestShards.Image> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            images.add(new TestShards.Image("k" + i, i, InMemoryShards.constant(1, SIZE, 20 + 40 * i)));
        }
        return InMemoryShards.records(images, LAYOUT);
    }

    private static List<DataSet> train(AugmentationConfig a, long seed) {
        ReaderPlan plan = InMemoryShards.plan(1, SIZE, 4, CLASSES, SIZE,
                ReaderConfig.defaults().withBatchSize(6).withSeed(seed).withAugment(a), ReadMode.TRAIN, 0);
        return InMemoryShards.read(plan, constants(), 0);
    }

    private static float value(int i) {
        return TestShards.normalised(20 + 40 * i, TestShards.MEAN1.get(0), TestShards.STD1.get(0));
    }

    @Test
    void labelSmoothingGivesOneMinusEpsPlusEpsOverKAndEpsOverK() {
        DataSet ds = train(AugmentationConfig.NONE.withLabelSmoothing(0.1), 1).get(0);
        for (int b = 0; b < 6; b++) {
            for (int k = 0; k < CLASSES; k++) {
                assertEquals(k == b ? 0.9 + 0.1 / 6 : 0.1 / 6, ds.getLabels().getFloat(b, k), 1e-7);
            }
        }
    }

    @Test
    void mixupBlendsEachImageWithItsMirrorInTheBatchByTheLabelWeight() {
        AugmentationConfig mixup = AugmentationConfig.NONE.withMixing(0.8, 0, 1.0, 0.5);
        for (long seed = 0; seed < 10; seed++) {
            DataSet ds = train(mixup, seed).get(0);
            double lambda = ds.getLabels().getDouble(0, 0);
            for (int b = 0; b < 6; b++) {
                int partner = 5 - b;
                double sum = ds.getLabels().getRow(b).sumNumber().doubleValue();
                assertEquals(1.0, sum, 1e-6, "label row " + b);
                if (b != partner) {
                    assertEquals(lambda, ds.getLabels().getDouble(b, b), 1e-6);
                    assertEquals(1 - lambda, ds.getLabels().getDouble(b, partner), 1e-6);
                }
                double expected = lambda * value(b) + (1 - lambda) * value(partner);
                for (float v : InMemoryShards.image(ds, b)) {
                    assertEquals(expected, v, 1e-5);
                }
            }
        }
    }

    @Test
    void cutmixLabelWeightsAreTheShareOfPixelsFromEachImage() {
        AugmentationConfig cutmix = AugmentationConfig.NONE.withMixing(0, 1.0, 1.0, 0.5).withLabelSmoothing(0);
        int mixedBatches = 0;
        for (long seed = 0; seed < 20; seed++) {
            DataSet ds = train(cutmix, seed).get(0);
            for (int b = 0; b < 6; b++) {
                int partner = 5 - b;
                float[] pixels = InMemoryShards.image(ds, b);
                int fromPartner = 0;
                for (float v : pixels) {
                    if (v == value(partner) && partner != b) {
                        fromPartner++;
                    } else {
                        assertEquals(value(b), v, 0f, "a pixel is either the image's own or its partner's");
                    }
                }
                double share = (double) fromPartner / pixels.length;
                assertEquals(share, ds.getLabels().getDouble(b, partner), 1e-6, "seed " + seed + " image " + b);
                assertEquals(1 - share, ds.getLabels().getDouble(b, b), 1e-6);
                assertEquals(1.0, ds.getLabels().getRow(b).sumNumber().doubleValue(), 1e-6);
                mixedBatches += fromPartner > 0 ? 1 : 0;
            }
        }
        assertTrue(mixedBatches > 20, "CutMix pasted a box in " + mixedBatches + " images");
    }

    @Test
    void mixedAndSmoothedLabelsStillSumToOne() {
        for (long seed = 0; seed < 10; seed++) {
            DataSet ds = train(AugmentationConfig.REFERENCE.withRandomResizedCrop(false), seed).get(0);
            for (int b = 0; b < 6; b++) {
                assertEquals(1.0, ds.getLabels().getRow(b).sumNumber().doubleValue(), 1e-6);
                assertTrue(ds.getLabels().getRow(b).minNumber().doubleValue() >= 0.1 / CLASSES * 0.999);
            }
        }
    }

    @Test
    void batchDecisionsFollowTheProbabilitiesAndAlphas() {
        SplittableRandom rng = new SplittableRandom(5);
        int cutmix = 0;
        int n = 4000;
        double sumMixupLambda = 0;
        int mixups = 0;
        for (int i = 0; i < n; i++) {
            BatchMixer.Mix m = BatchMixer.decide(AugmentationConfig.REFERENCE, 32, 32, rng);
            assertTrue(m.lambda() >= 0 && m.lambda() <= 1);
            if (m.kind() == BatchMixer.Kind.CUTMIX) {
                cutmix++;
                double area = (double) (m.bottom() - m.top()) * (m.right() - m.left()) / (32 * 32);
                assertEquals(1 - area, m.lambda(), 1e-12, "lambda is corrected to the pasted box");
            } else {
                assertEquals(BatchMixer.Kind.MIXUP, m.kind());
                sumMixupLambda += m.lambda();
                mixups++;
            }
        }
        assertEquals(0.5, (double) cutmix / n, 0.03, "switch probability 0.5");
        assertEquals(0.5, sumMixupLambda / mixups, 0.03, "Beta(0.8, 0.8) has mean 0.5");
        assertSame(BatchMixer.Mix.NONE, BatchMixer.decide(AugmentationConfig.REFERENCE.withMixing(0.8, 1.0, 0.0, 0.5), 8, 8, rng));
        assertSame(BatchMixer.Mix.NONE, BatchMixer.decide(AugmentationConfig.NONE, 8, 8, rng));
    }

    @Test
    void betaSamplesHaveTheRightMeanAndVariance() {
        SplittableRandom rng = new SplittableRandom(9);
        for (double alpha : new double[] {0.8, 1.0, 2.5}) {
            int n = 20000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double x = BetaDistribution.sample(alpha, alpha, rng);
                assertTrue(x >= 0 && x <= 1);
                sum += x;
                sumSq += x * x;
            }
            double mean = sum / n;
            double variance = sumSq / n - mean * mean;
            assertEquals(0.5, mean, 0.01, "alpha " + alpha);
            assertEquals(1 / (4 * (2 * alpha + 1)), variance, 0.01, "alpha " + alpha);
        }
    }
}
