package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vilspark.model.ViLGraph;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import io.vilspark.testing.TinyVil;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@code train.aggregation_depth} reaches Spark's {@code treeAggregate}: with 8 workers, depth 1 sums every worker's
 * result on the driver (one stage per round), depth 2 first sums them in groups on the executors (a second stage),
 * and either gives the same model.
 */
@IntegrationTest
class AggregationDepthTest {

    /** The stages of each job of the group {@link ParameterAveraging#JOB_GROUP}. */
    static final class RoundStages extends SparkListener {
        final Map<Integer, Integer> stagesPerJob = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart job) {
            Object group = job.properties() == null ? null : job.properties().getProperty("spark.jobGroup.id");
            if (ParameterAveraging.JOB_GROUP.equals(group)) {
                stagesPerJob.put(job.jobId(), job.stageInfos().size());
            }
        }
    }

    @Test
    void theDepthSetsTheLevelsOfTheSumAndNotItsResult() throws Exception {
        ComputationGraph shallow = train(1);
        ComputationGraph deep = train(2);
        assertEquals(0, shallow.params().sub(deep.params()).amaxNumber().doubleValue(), 1e-6,
                "the same sum, whatever the tree");
    }

    private static ComputationGraph train(int depth) throws Exception {
        SparkSession spark = LocalSpark.session();
        TrainingRecipe recipe = TinyVil.recipe("train.workers=8", "train.global_batch=32", "train.averaging_frequency=1",
                "train.prefetch=0", "train.aggregation_depth=" + depth);
        ComputationGraph graph = ViLGraph.newNetwork(TrainingGraph.configuration(TinyVil.MODEL, recipe, 10, 1));
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            batches.add(TinyVil.batch(4, 200 + i));
        }
        RoundStages stages = new RoundStages();
        spark.sparkContext().addSparkListener(stages);
        try {
            new ParameterAveraging(spark, recipe, List.of())
                    .trainEpoch(graph, JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(batches, 8),
                            "epoch 1/1");
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(stages);
        }
        assertEquals(Set.of(depth), Set.copyOf(stages.stagesPerJob.values()),
                "stages of each averaging round at depth " + depth + ": " + stages.stagesPerJob);
        assertEquals(1, stages.stagesPerJob.size(), "one round: 8 workers with one minibatch each");
        return graph;
    }
}
