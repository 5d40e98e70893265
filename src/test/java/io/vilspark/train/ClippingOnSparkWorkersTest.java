package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TinyVil;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import io.vilspark.model.ViLGraph;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Listeners given to {@link ParameterAveraging} travel with each round's tasks to the executors and run
 * there, in order, before each worker's updater.
 */
@IntegrationTest
class ClippingOnSparkWorkersTest {
    private static final double MAX_NORM = 1e-4;

    /** Executors are threads of this JVM in local mode: statics are how the copies report back. */
    static final class WorkerProbe extends BaseTrainingListener implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger CALLS = new AtomicInteger();
        static final List<Double> BEFORE = new ArrayList<>();
        static final List<Double> AFTER = new ArrayList<>();

        private final boolean afterClipping;

        WorkerProbe(boolean afterClipping) {
            this.afterClipping = afterClipping;
        }

        @Override
        public void onGradientCalculation(Model model) {
            CALLS.incrementAndGet();
            List<Double> norms = afterClipping ? AFTER : BEFORE;
            synchronized (norms) {
                norms.add(model.getGradientsViewArray().norm2Number().doubleValue() / model.batchSize());
            }
        }
    }

    @Test
    void theClippingListenerRunsOnTheWorkers() {
        SparkSession spark = LocalSpark.session();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainingRecipe recipe = TinyVil.recipe("train.workers=2", "train.global_batch=8", "train.averaging_frequency=2",
                "train.prefetch=0");
        ComputationGraph graph = ViLGraph.newNetwork(TrainingGraph.configuration(TinyVil.MODEL, recipe, 10, 1));
        ParameterAveraging averaging = new ParameterAveraging(spark, recipe,
                List.of(new WorkerProbe(false), new GlobalGradientNormClipping(MAX_NORM), new WorkerProbe(true)), List.of());
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batches.add(TinyVil.batch(4, 100 + i));
        }
        WorkerProbe.CALLS.set(0);
        averaging.trainEpoch(graph, sc.parallelize(batches, 2), "epoch 1/1");

        // one round (4 minibatches, 2 workers x averaging frequency 2): the driver goes on from the 2 steps per worker
        assertEquals(2, graph.getConfiguration().getIterationCount());
        assertEquals(2 * 4, WorkerProbe.CALLS.get(), "one gradient per minibatch and probe, seen on the workers");
        synchronized (WorkerProbe.BEFORE) {
            assertEquals(4, WorkerProbe.BEFORE.size());
            for (double norm : WorkerProbe.BEFORE) {
                assertTrue(norm > 10 * MAX_NORM, "the probe before the clipping listener saw " + norm);
            }
        }
        synchronized (WorkerProbe.AFTER) {
            assertEquals(4, WorkerProbe.AFTER.size());
            for (double norm : WorkerProbe.AFTER) {
                assertEquals(MAX_NORM, norm, 1e-4 * MAX_NORM, "the probe after the clipping listener");
            }
        }
    }
}
