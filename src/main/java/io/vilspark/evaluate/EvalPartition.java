package io.vilspark.evaluate;

import java.util.Iterator;
import java.util.List;

import io.vilspark.inference.BatchLabels;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.inference.InferenceSettings;
import io.vilspark.inference.ModelOutputs;
import io.vilspark.inference.ModelRef;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The executor side of {@code vil evaluate}: a partition's minibatches through this JVM's model
 * (borrowed from {@link ExecutorModels}, so the file is read once per executor), counted into one
 * {@link EvalTally}. Only the tally travels back to the driver.
 */
final class EvalPartition implements FlatMapFunction<Iterator<DataSet>, EvalTally> {
    private static final long serialVersionUID = 1L;

    private final ModelRef model;
    private final InferenceSettings settings;
    private final int classes;
    private final int topK;
    private final LongAccumulator imagesDone;

    EvalPartition(ModelRef model, InferenceSettings settings, int classes, int topK, LongAccumulator imagesDone) {
        this.model = model;
        this.settings = settings;
        this.classes = classes;
        this.topK = topK;
        this.imagesDone = imagesDone;
    }

    @Override
    public Iterator<EvalTally> call(Iterator<DataSet> batches) throws Exception {
        EvalTally tally = new EvalTally(classes, topK);
        if (!batches.hasNext()) {
            return List.of(tally).iterator();
        }
        settings.applyThreads();
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(model)) {
            while (batches.hasNext()) {
                DataSet batch = batches.next();
                tally.add(ModelOutputs.compute(lease.model(), batch.getFeatures()), BatchLabels.of(batch.getLabels()));
                imagesDone.add(batch.numExamples());
            }
        }
        return List.of(tally).iterator();
    }
}
