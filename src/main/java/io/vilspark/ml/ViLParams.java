package io.vilspark.ml;

import java.util.List;

import io.vilspark.image.ResampleFilter;
import io.vilspark.inference.InferenceSettings;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import scala.Function1;

/**
 * The parameters of {@link ViLTransformer}, each declared once with its documentation, default and
 * validator (MLlib's typed params, so {@code explainParams}, copies and saved pipelines carry them).
 * The image settings mean what the keys of the same names mean in {@code vil extract}'s
 * configuration.
 */
abstract class ViLParams extends Transformer {
    private static final long serialVersionUID = 1L;
    private static final Function1<String, Object> NOT_EMPTY = s -> s != null && !s.isEmpty();
    private static final Function1<String, Object> ANY = s -> s != null;

    private final String uid;
    final Param<String> modelPath;
    final Param<String> inputCol;
    final Param<String> featuresCol;
    final Param<String> logitsCol;
    final Param<String> predictionCol;
    final Param<String> topKCol;
    final IntParam topK;
    final Param<String> reasonCol;
    final IntParam batchSize;
    final IntParam threadsPerTask;
    final Param<String> normalisation;
    final DoubleArrayParam mean;
    final DoubleArrayParam std;
    final DoubleParam cropPct;
    final IntParam resolution;
    final Param<String> filter;
    final LongParam maxPixels;
    final LongParam maxFileBytes;

    ViLParams(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "the ViL model file (any Hadoop path: file:, hdfs:, s3a:, ...)", NOT_EMPTY);
        inputCol = new Param<>(this, "inputCol", "the images: the image data source's struct, binary image file "
                + "content (binaryFile's content) or a prepared shard's patch row (a struct, or a shard's pixels column)",
                NOT_EMPTY);
        featuresCol = new Param<>(this, "featuresCol", "output: the vector that feeds the model's head, an MLlib "
                + "Vector (empty: not written)", ANY);
        logitsCol = new Param<>(this, "logitsCol", "output: the logits, an MLlib Vector (empty: not written)", ANY);
        predictionCol = new Param<>(this, "predictionCol", "output: the most probable class index as a double "
                + "(empty: not written)", ANY);
        topKCol = new Param<>(this, "topKCol", "output: the topK most probable classes as array<struct<index, name, "
                + "probability>>, names from the model file (empty: not written)", ANY);
        topK = new IntParam(this, "topK", "how many classes topKCol lists", ParamValidators.gtEq(1));
        reasonCol = new Param<>(this, "reasonCol", "output: why an input gave null outputs (null_input, not_an_image, "
                + "corrupt, truncated, too_small, too_large, empty, bad_patch_row); null for a good one (empty: "
                + "not written)", ANY);
        batchSize = new IntParam(this, "batchSize", "images per forward pass", ParamValidators.inRange(1, 1 << 16));
        threadsPerTask = new IntParam(this, "threadsPerTask", "native threads per running task; 0 = spark.task.cpus",
                ParamValidators.inRange(0, 1024));
        normalisation = new Param<>(this, "normalisation", "pixel statistics: model (the model file's), imagenet, "
                + "or given (mean and std)", ParamValidators.inArray(new String[] {"model", "imagenet", "given"}));
        mean = new DoubleArrayParam(this, "mean", "per-channel mean for normalisation = given");
        std = new DoubleArrayParam(this, "std", "per-channel std for normalisation = given");
        cropPct = new DoubleParam(this, "cropPct", "images stored larger than the model input: resize to "
                + "floor(size / cropPct), centre crop", ParamValidators.inRange(0, 1, false, true));
        resolution = new IntParam(this, "resolution", "decoded images: shorter side resized to this and centre-cropped "
                + "(vil prepare's code) before the model's crop; 0 = the model's input size", ParamValidators.inRange(0, 8192));
        filter = new Param<>(this, "filter", "resampling filter: bicubic, bilinear or box",
                ParamValidators.inArray(new String[] {"bicubic", "bilinear", "box"}));
        maxPixels = new LongParam(this, "maxPixels", "larger images (width x height, by their header) give too_large",
                ParamValidators.gtEq(1));
        maxFileBytes = new LongParam(this, "maxFileBytes", "larger image files give too_large without being decoded",
                ParamValidators.gtEq(1));
        setDefault(inputCol, "image");
        setDefault(featuresCol, "features");
        setDefault(logitsCol, "");
        setDefault(predictionCol, "");
        setDefault(topKCol, "");
        setDefault(topK, 5);
        setDefault(reasonCol, "vil_skip_reason");
        setDefault(batchSize, 32);
        setDefault(threadsPerTask, 0);
        setDefault(normalisation, "model");
        setDefault(mean, new double[0]);
        setDefault(std, new double[0]);
        setDefault(cropPct, 0.875);
        setDefault(resolution, 0);
        setDefault(filter, "bicubic");
        setDefault(maxPixels, 89_478_485L);
        setDefault(maxFileBytes, 256L << 20);
    }

    @Override
    public String uid() {
        return uid;
    }

    // MLlib finds a stage's params by its public no-argument methods returning Param

    public Param<String> modelPath() { return modelPath; }
    public Param<String> inputCol() { return inputCol; }
    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> logitsCol() { return logitsCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> topKCol() { return topKCol; }
    public IntParam topK() { return topK; }
    public Param<String> reasonCol() { return reasonCol; }
    public IntParam batchSize() { return batchSize; }
    public IntParam threadsPerTask() { return threadsPerTask; }
    public Param<String> normalisation() { return normalisation; }
    public DoubleArrayParam mean() { return mean; }
    public DoubleArrayParam std() { return std; }
    public DoubleParam cropPct() { return cropPct; }
    public IntParam resolution() { return resolution; }
    public Param<String> filter() { return filter; }
    public LongParam maxPixels() { return maxPixels; }
    public LongParam maxFileBytes() { return maxFileBytes; }

    /** The inference settings these params give. */
    InferenceSettings inferenceSettings() {
        return new InferenceSettings(valueOf(batchSize), valueOf(threadsPerTask), valueOf(normalisation), boxed(valueOf(mean)),
                boxed(valueOf(std)), valueOf(cropPct));
    }

    ResampleFilter resampleFilter() {
        return ResampleFilter.parse(valueOf(filter));
    }

    OutputColumns outputColumns() {
        return new OutputColumns(valueOf(featuresCol), valueOf(logitsCol), valueOf(predictionCol), valueOf(topKCol), valueOf(topK), valueOf(reasonCol));
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    @SuppressWarnings("unchecked")
    <T> T valueOf(Param<?> p) {
        return (T) getOrDefault(p);
    }
}
