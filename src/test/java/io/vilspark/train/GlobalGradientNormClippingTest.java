package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import io.vilspark.model.ViLGraph;
import io.vilspark.testing.TinyVil;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * With plain SGD the update is lr x gradient / batch, so what the updater received can be read off the
 * change of the parameters.
 */
class GlobalGradientNormClippingTest {
    private static final double LR = 0.1;
    private static final int BATCH = 6;

    /** What the updater gets: the norm of the mean gradient, seen by a listener after the clipping one. */
    static final class MeanGradientNorm extends BaseTrainingListener {
        double norm = Double.NaN;

        @Override
        public void onGradientCalculation(Model model) {
            norm = model.getGradientsViewArray().norm2Number().doubleValue() / model.batchSize();
        }
    }

    /** The parameter change of one SGD step on the test batch, with these listeners. */
    private static INDArray step(TrainingListener... listeners) {
        ComputationGraph graph = new ComputationGraph(ViLGraph.configuration(TinyVil.MODEL, 5, DataType.FLOAT, new Sgd(LR)));
        graph.init();
        graph.setListeners(listeners);
        INDArray before = graph.params().dup();
        graph.fit(TinyVil.batch(BATCH, 9));
        return before.subi(graph.params());
    }

    @Test
    void aLargeGradientIsScaledToTheMaximumNormBeforeTheUpdate() {
        MeanGradientNorm unclipped = new MeanGradientNorm();
        INDArray free = step(unclipped);
        double norm = unclipped.norm;
        assertEquals(norm, free.norm2Number().doubleValue() / LR, 1e-4 * norm, "SGD moved by lr x mean gradient");

        double max = norm / 4;
        GlobalGradientNormClipping clipping = new GlobalGradientNormClipping(max);
        MeanGradientNorm seen = new MeanGradientNorm();
        INDArray clipped = step(clipping, seen);
        assertEquals(norm, clipping.lastNorm(), 1e-5 * norm, "the norm before clipping");
        assertEquals(max, seen.norm, 1e-5 * max, "what the updater gets");
        // the same update as a gradient pre-scaled to the maximum norm
        INDArray expected = free.mul(max / (norm + 1e-6));
        assertTrue(clipped.sub(expected).amaxNumber().doubleValue() < 1e-6 * LR + 1e-5 * expected.amaxNumber().doubleValue(),
                "clipped step differs from the pre-scaled one by " + clipped.sub(expected).amaxNumber());
    }

    @Test
    void aGradientBelowTheMaximumIsLeftAlone() {
        MeanGradientNorm unclipped = new MeanGradientNorm();
        INDArray free = step(unclipped);
        GlobalGradientNormClipping clipping = new GlobalGradientNormClipping(unclipped.norm * 2);
        INDArray same = step(clipping);
        assertEquals(free, same);
        assertEquals(unclipped.norm, clipping.lastNorm(), 1e-6 * unclipped.norm);
    }

    /** Spark's parameter-averaging master ships listeners to the executors with Java serialization. */
    @Test
    void travelsToSparkExecutors() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new GlobalGradientNormClipping(1.0));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            GlobalGradientNormClipping back = (GlobalGradientNormClipping) in.readObject();
            assertEquals(1.0, back.maxNorm());
            assertTrue(Double.isNaN(back.lastNorm()));
        }
    }

    @Test
    void theMaximumMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new GlobalGradientNormClipping(0));
        assertThrows(IllegalArgumentException.class, () -> new GlobalGradientNormClipping(Double.NaN));
    }
}
