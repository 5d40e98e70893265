package io.vilspark.ml;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.vilspark.inference.ExecutorModels;
import io.vilspark.inference.ModelRef;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A ViL model as a Spark ML pipeline stage ({@link org.apache.spark.ml.Transformer}): adds the model's
 * features (an MLlib {@code Vector}, so MLlib stages consume it directly) and optionally logits, the
 * predicted class and the top-k classes with their names to each row of a DataFrame of images. Not
 * to be confused with {@link io.vilspark.model.ViLModel}, the network itself: this stage only names
 * a model file ({@code modelPath}), which each executor JVM reads once
 * ({@link ExecutorModels}) and runs in minibatches of {@code batchSize} rows through the batched
 * inference {@code vil extract} uses.
 *
 * <p>{@code inputCol} may hold any of Spark's image representations (see {@link InputKind}); file
 * bytes are decoded, resized and cropped exactly as {@code vil prepare} and {@code vil extract} do.
 * An input that cannot be used (not an image, corrupt, too small, ...) gets null outputs and its
 * reason in {@code reasonCol}, and is counted in the accumulator {@value #SKIPPED_ACCUMULATOR}; it
 * never fails the task. Saves and loads with MLlib's default params format, alone or inside a fitted
 * {@code PipelineModel}.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("hdfs:///images");
 * Dataset<Row> out = new ViLTransformer().setModelPath("hdfs:///models/m.zip").setInputCol("content")
 *         .setTopKCol("top5").transform(images);
 * }</pre>
 */
public class ViLTransformer extends ViLParams implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /**
     * The name of the accumulator each {@link #transform} registers: the inputs that gave null outputs, counted as
     * their rows are computed (the Spark UI shows it per stage; a recomputed partition counts again).
     */
    public static final String SKIPPED_ACCUMULATOR = "vil skipped inputs";

    public ViLTransformer() {
        this(Identifiable.randomUID("vil"));
    }

    /** With a given uid (MLlib's copies and loads use this constructor). */
    public ViLTransformer(String uid) {
        super(uid);
    }

    public ViLTransformer setModelPath(String v) { set(modelPath, v); return this; }
    public ViLTransformer setInputCol(String v) { set(inputCol, v); return this; }
    public ViLTransformer setFeaturesCol(String v) { set(featuresCol, v); return this; }
    public ViLTransformer setLogitsCol(String v) { set(logitsCol, v); return this; }
    public ViLTransformer setPredictionCol(String v) { set(predictionCol, v); return this; }
    public ViLTransformer setTopKCol(String v) { set(topKCol, v); return this; }
    public ViLTransformer setTopK(int v) { set(topK, v); return this; }
    public ViLTransformer setReasonCol(String v) { set(reasonCol, v); return this; }
    public ViLTransformer setBatchSize(int v) { set(batchSize, v); return this; }
    public ViLTransformer setThreadsPerTask(int v) { set(threadsPerTask, v); return this; }
    public ViLTransformer setNormalisation(String v) { set(normalisation, v); return this; }
    public ViLTransformer setMean(double[] v) { set(mean, v); return this; }
    public ViLTransformer setStd(double[] v) { set(std, v); return this; }
    public ViLTransformer setCropPct(double v) { set(cropPct, v); return this; }
    public ViLTransformer setResolution(int v) { set(resolution, v); return this; }
    public ViLTransformer setFilter(String v) { set(filter, v); return this; }
    public ViLTransformer setMaxPixels(long v) { set(maxPixels, v); return this; }
    public ViLTransformer setMaxFileBytes(long v) { set(maxFileBytes, v); return this; }

    public String getModelPath() { return valueOf(modelPath); }
    public String getInputCol() { return valueOf(inputCol); }
    public String getFeaturesCol() { return valueOf(featuresCol); }
    public int getBatchSize() { return valueOf(batchSize); }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        String column = getInputCol();
        InputKind kind = InputKind.of(dataset.schema(), column);
        ScoringPlan plan = plan(dataset.sparkSession());
        ScoredPartitions partitions = new ScoredPartitions(plan, new ImageInputs(kind, plan),
                dataset.schema().fieldIndex(column), outputColumns(),
                dataset.sparkSession().sparkContext().longAccumulator(SKIPPED_ACCUMULATOR));
        return dataset.toDF().mapPartitions(partitions, Encoders.row(out));
    }

    /** Reads the model file's configuration and metadata on the driver (cached for local-mode tasks). */
    private ScoringPlan plan(SparkSession spark) {
        if (!isDefined(modelPath)) {
            throw new IllegalArgumentException("modelPath is not set");
        }
        ModelRef ref = ModelRef.of(getModelPath(), spark.sparkContext().hadoopConfiguration());
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(ref)) {
            return ScoringPlan.create(ref, lease.model().config(), lease.metadata(), inferenceSettings(),
                    valueOf(resolution), resampleFilter(), valueOf(maxPixels), valueOf(maxFileBytes), "normalisation");
        } catch (IOException e) {
            throw new UncheckedIOException(getModelPath() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        InputKind.of(schema, getInputCol());
        return outputColumns().append(schema);
    }

    @Override
    public ViLTransformer copy(ParamMap extra) {
        return (ViLTransformer) defaultCopy(extra);
    }

    /** MLlib's reader of saved stages (what {@code PipelineModel.load} calls through reflection). */
    public static MLReader<ViLTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static ViLTransformer load(String path) {
        return read().load(path);
    }
}
