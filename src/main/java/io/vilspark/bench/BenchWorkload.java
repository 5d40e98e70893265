package io.vilspark.bench;

import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLGraph;
import io.vilspark.model.ViLModel;
import io.vilspark.train.InPlaceGraphUpdater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** One benchmark iteration on a randomly initialised float32 model and random data of a fixed batch. */
public final class BenchWorkload {
    /** A typical fine-tuning rate; the value does not change the cost of a step. */
    private static final double LEARNING_RATE = 1e-4;

    private final Runnable step;
    private final long parameters;

    private BenchWorkload(Runnable step, long parameters) {
        this.step = step;
        this.parameters = parameters;
    }

    /** A workload of {@code mode} on a model of {@code config}, {@code batch} images per iteration. */
    public static BenchWorkload create(ViLConfig config, BenchMode mode, int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.randn(DataType.FLOAT, batch, config.channels(), config.height(), config.width());
        if (mode == BenchMode.infer) {
            ViLModel model = ViLModel.create(config, seed);
            return new BenchWorkload(() -> model.logits(images), model.numParams());
        }
        ComputationGraph graph = new ComputationGraph(
                ViLGraph.configuration(config, seed, DataType.FLOAT, new Adam(LEARNING_RATE)));
        graph.init();
        InPlaceGraphUpdater.install(graph);
        DataSet data = new DataSet(images, randomOneHot(batch, config.numClasses()));
        return new BenchWorkload(() -> graph.fit(data), graph.numParams());
    }

    private static INDArray randomOneHot(int batch, int classes) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, classes);
        for (int i = 0; i < batch; i++) {
            labels.putScalar(i, Nd4j.getRandom().nextInt(classes), 1.0);
        }
        return labels;
    }

    /** The model's parameter count. */
    public long parameters() {
        return parameters;
    }

    /** Seconds one iteration took (ND4J's CPU backend computes synchronously). */
    public double timeOnce() {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1e9;
    }
}
