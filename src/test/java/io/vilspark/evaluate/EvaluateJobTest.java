package io.vilspark.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.InferenceFixtures.Image;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** vil evaluate on Spark local[2]: exact counts against answers known by construction and computed on the driver. */
@IntegrationTest
class EvaluateJobTest {
    static final int SIZE = 16;
    static final int CLASSES = 3;

    @TempDir
    static Path dir;
    static String data;
    static List<Image> labelled = new ArrayList<>();
    static int unlabelled;

    @BeforeAll
    static void writeDataset() throws Exception {
        data = dir.resolve("data").toString();
        List<Image> val = new ArrayList<>(InferenceFixtures.randomImages("val", 45, SIZE, CLASSES, 7));
        // uneven classes: 15 / 15 / 15 plus 6 more of class 0, and unlabelled rows that must be skipped
        val.addAll(InferenceFixtures.randomImages("val-extra", 6, SIZE, 1, 8));
        List<Image> unlabelledRows = InferenceFixtures.randomImages("val-unlabelled", 3, SIZE, 1, 9).stream()
                .map(i -> new Image(i.key(), -1, i.chw())).toList();
        labelled.addAll(val);
        unlabelled = unlabelledRows.size();
        val.addAll(unlabelledRows);
        InferenceFixtures.writeSplit(data, "val", val, SIZE, 4, 3);
        InferenceFixtures.writeSplit(data, "train", InferenceFixtures.randomImages("train", 6, SIZE, CLASSES, 1), SIZE, 4, 1);
        InferenceFixtures.writeManifest(data, CLASSES, SIZE, 4, Map.of("train", 6L, "val", (long) val.size()));
    }

    private static EvaluateJob.Result evaluate(String model, String out, String... overrides) throws Exception {
        List<String> o = new ArrayList<>(List.of("evaluate.progress_seconds=0", "evaluate.batch_size=8"));
        o.addAll(List.of(overrides));
        return EvaluateJob.run(LocalSpark.session(), model, data, out, EvaluateSettings.load(Optional.empty(), o), null);
    }

    @Test
    void aModelThatAlwaysSaysTheSameGivesTheCountsItMust() throws Exception {
        // zero head weights: logits = bias = [0, 1, 3] for every image, so every image is predicted class 2
        ViLConfig config = InferenceFixtures.tinyRgb(SIZE, CLASSES);
        ViLModel model = ViLModel.create(config, 3);
        Map<String, INDArray> state = model.stateDict();
        state.put("head.weight", Nd4j.zerosLike(state.get("head.weight")));
        state.put("head.bias", Nd4j.createFromArray(0f, 1f, 3f));
        model.loadStateDict(state);
        String file = dir.resolve("constant.zip").toString();
        InferenceFixtures.writeModel(file, model);

        String out = dir.resolve("eval-constant").toString();
        EvaluateJob.Result r = evaluate(file, out, "evaluate.top_k=2");
        EvalTally t = r.tally();
        assertEquals("val", r.split(), "no test/ split: val");
        long[] support = new long[CLASSES];
        labelled.forEach(i -> support[i.label()]++);
        assertEquals(21, support[0]);
        for (int c = 0; c < CLASSES; c++) {
            assertEquals(support[c], t.support(c));
            for (int p = 0; p < CLASSES; p++) {
                assertEquals(p == 2 ? support[c] : 0, t.count(c, p), "cell " + c + "," + p);
            }
        }
        assertEquals(unlabelled, t.unlabelled());
        assertEquals(support[2], t.correct());
        assertEquals(support[1] + support[2], t.topKHits(), "top-2 = classes 1 and 2");
        double logSumExp = Math.log(1 + Math.exp(1) + Math.exp(3));
        double expectedLoss = (support[0] * logSumExp + support[1] * (logSumExp - 1) + support[2] * (logSumExp - 3))
                / labelled.size();
        assertEquals(expectedLoss, t.meanLoss(), 1e-6);
        assertEquals(0.0, t.classAccuracy(0));
        assertEquals(1.0, t.classAccuracy(2));

        // the heat map: the column of class 2 dark, every other cell white
        BufferedImage png = ImageIO.read(new File(out, EvaluationReport.CONFUSION_PNG));
        ConfusionHeatmap.Rendered expected = ConfusionHeatmap.render(t, r.classNames());
        assertEquals(expected.image().getWidth(), png.getWidth());
        assertEquals(expected.image().getHeight(), png.getHeight());
        for (int c = 0; c < CLASSES; c++) {
            for (int p = 0; p < CLASSES; p++) {
                int rgb = cellColour(png, expected.matrixArea(), c, p) & 0xFFFFFF;
                if (p == 2) {
                    assertEquals(0x08306B, rgb, "cell " + c + "," + p + " holds the whole row");
                } else {
                    assertEquals(0xFFFFFF, rgb, "cell " + c + "," + p + " is empty");
                }
            }
        }
    }

    /** A pixel near the top-left corner of a cell (the centre may carry the count). */
    private static int cellColour(BufferedImage png, Rectangle2D area, int actual, int predicted) {
        double w = area.getWidth() / CLASSES;
        double h = area.getHeight() / CLASSES;
        return png.getRGB((int) (area.getX() + (predicted + 0.2) * w), (int) (area.getY() + (actual + 0.2) * h));
    }

    @Test
    void countsEqualAnIndependentComputationOnTheDriver() throws Exception {
        ViLConfig config = InferenceFixtures.tinyRgb(SIZE, CLASSES);
        String file = dir.resolve("random.zip").toString();
        InferenceFixtures.writeModel(file, config, 11);
        int readsBefore = ExecutorModels.fileReads();
        String out = dir.resolve("eval-random").toString();
        EvaluateJob.Result r = evaluate(file, out);
        assertEquals(1, ExecutorModels.fileReads() - readsBefore,
                "driver and both local executor slots share one read of the model file");

        // the driver's own answer: the model read again, images normalised here, counted with plain loops
        ViLModel model = ModelFile.read(file, false, new Configuration()).model();
        INDArray logits = model.logits(InferenceFixtures.normalised(labelled, SIZE));
        long[][] confusion = new long[CLASSES][CLASSES];
        double loss = 0;
        for (int i = 0; i < labelled.size(); i++) {
            INDArray row = logits.getRow(i);
            int predicted = Nd4j.argMax(row).getInt(0);
            confusion[labelled.get(i).label()][predicted]++;
            double max = row.maxNumber().doubleValue();
            loss += max + Math.log(Nd4j.math().exp(row.sub(max)).sumNumber().doubleValue())
                    - row.getDouble(labelled.get(i).label());
        }
        EvalTally t = r.tally();
        Set<Integer> predictedClasses = new HashSet<>();
        long correct = 0;
        for (int c = 0; c < CLASSES; c++) {
            for (int p = 0; p < CLASSES; p++) {
                assertEquals(confusion[c][p], t.count(c, p), "cell " + c + "," + p);
                if (confusion[c][p] > 0) {
                    predictedClasses.add(p);
                }
            }
            correct += confusion[c][c];
        }
        assertTrue(predictedClasses.size() > 1, "a useful check needs more than one predicted class: " + predictedClasses);
        assertEquals(correct, t.correct());
        assertEquals(loss / labelled.size(), t.meanLoss(), 1e-5);
        assertEquals(labelled.size(), t.topKHits(), "top-5 of 3 classes is top-3: every image");

        // the files say the same
        JsonNode summary = new ObjectMapper().readTree(new File(out, EvaluationReport.SUMMARY));
        assertEquals(labelled.size(), summary.get("images").asInt());
        assertEquals((double) correct / labelled.size(), summary.get("top1").asDouble(), 1e-12);
        assertEquals(3, summary.get("unlabelled_skipped").asInt());
        List<String> csv = Files.readAllLines(Path.of(out, EvaluationReport.CONFUSION_CSV));
        assertEquals("true \\ predicted,class A,class B,class C", csv.get(0));
        assertEquals("class B," + confusion[1][0] + "," + confusion[1][1] + "," + confusion[1][2], csv.get(2));
        assertEquals(CLASSES + 1, Files.readAllLines(Path.of(out, EvaluationReport.PER_CLASS_CSV)).size());
        BufferedImage png = ImageIO.read(new File(out, EvaluationReport.CONFUSION_PNG));
        Rectangle2D area = ConfusionHeatmap.render(t, r.classNames()).matrixArea();
        for (int c = 0; c < CLASSES; c++) {
            for (int p = 0; p < CLASSES; p++) {
                double share = (double) confusion[c][p] / t.support(c);
                int blue = cellColour(png, area, c, p) & 0xFF;
                assertEquals(255 + (107 - 255) * share, blue, 1.0, "cell " + c + "," + p + " shows its row share " + share);
            }
        }
    }
}
