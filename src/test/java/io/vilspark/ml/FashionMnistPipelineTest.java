package io.vilspark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.data.DatasetManifest;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.LocalSpark;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import io.vilspark.testing.FashionMnistShards;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ViL features feeding MLlib: a Pipeline of {@link ViLTransformer} (a small randomly initialised
 * ViL, so the test needs no training) and LogisticRegression, fitted on Fashion-MNIST shards read as
 * a DataFrame, classifies the validation split well above chance (0.1); saved and loaded, the fitted
 * pipeline gives identical outputs.
 */
@IntegrationTest
class FashionMnistPipelineTest {
    @TempDir
    Path dir;

    @Test
    void vilFeaturesThenLogisticRegressionClassifyFashionMnistAndSurviveSaveAndLoad() throws Exception {
        SparkSession spark = LocalSpark.session();
        String data = FashionMnistShards.prepare(spark, dir.resolve("fashion-mnist").toString(), 800);
        DatasetManifest manifest = DatasetManifest.read(data, new Configuration());
        ViLConfig config = ViLConfig.builder().dim(32).depth(1).patchSize(4).inputShape(1, 28, 28).numClasses(10).build();
        String model = dir.resolve("vil.zip").toString();
        ModelFile.write(model, ViLModel.create(config, 7), new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.VERSION,
                config.toReferenceArguments(), manifest.mean(), manifest.std(), manifest.classes(),
                Map.of("source", "test")), false, new Configuration());

        Dataset<Row> train = spark.read().parquet(data + "/train");
        Dataset<Row> val = spark.read().parquet(data + "/val");
        ViLTransformer vil = new ViLTransformer().setModelPath(model).setInputCol("pixels").setBatchSize(64);
        LogisticRegression lr = new LogisticRegression().setMaxIter(100).setRegParam(1e-4);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {vil, lr}).fit(train);

        Dataset<Row> predicted = fitted.transform(val).select("key", "features", "prediction").cache();
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(fitted.transform(val));
        System.out.println("ViL features + logistic regression, Fashion-MNIST val accuracy: " + accuracy);
        assertTrue(accuracy > 0.6, "accuracy " + accuracy + " on " + val.count() + " images, chance is 0.1");

        String saved = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);
        assertEquals(ViLTransformer.class, loaded.stages()[0].getClass());
        ViLTransformer vilLoaded = (ViLTransformer) loaded.stages()[0];
        assertEquals(model, vilLoaded.getModelPath());
        assertEquals(64, vilLoaded.getBatchSize());
        assertEquals("pixels", vilLoaded.getInputCol());
        List<Row> again = loaded.transform(val).select("key", "features", "prediction").orderBy("key").collectAsList();
        List<Row> before = predicted.orderBy("key").collectAsList();
        assertEquals(before.size(), again.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i), again.get(i), "row " + before.get(i).getString(0));
        }
    }
}
