package io.vilspark.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vilspark.image.ResampleFilter;
import io.vilspark.inference.ExecutorModels;
import io.vilspark.inference.InferenceSettings;
import io.vilspark.inference.ModelRef;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The executor side of the SQL functions: one image file's bytes through a model named by path.
 * Each thread keeps the model it borrowed ({@link ExecutorModels}: the file is read once per JVM)
 * until its task ends, so a query borrows once per task, not once per row. The functions take
 * {@code vil extract}'s defaults: the model file's normalisation, resolution = the model's input
 * size, bicubic, crop_pct 0.875.
 */
final class SqlScorer {
    private static final ThreadLocal<Map<String, SqlScorer>> BORROWED = ThreadLocal.withInitial(HashMap::new);

    private final ExecutorModels.Lease lease;
    private final ScoringPlan plan;
    private final ImageInputs inputs;

    private SqlScorer(ExecutorModels.Lease lease, ScoringPlan plan) {
        this.lease = lease;
        this.plan = plan;
        this.inputs = new ImageInputs(InputKind.FILE_BYTES, plan);
    }

    /** This thread's scorer for {@code model}, borrowed for the rest of the running task. */
    static SqlScorer of(String model) {
        if (model == null || model.isEmpty()) {
            throw new IllegalArgumentException("vil_features/vil_predict: the model path is null or empty");
        }
        Map<String, SqlScorer> borrowed = BORROWED.get();
        SqlScorer scorer = borrowed.get(model);
        if (scorer == null) {
            scorer = open(model);
            borrowed.put(model, scorer);
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) t -> giveBack(borrowed));
            }
        }
        return scorer;
    }

    private static SqlScorer open(String model) {
        Configuration conf = SparkHadoopUtil.get().conf();
        ModelRef ref = ModelRef.of(model, conf);
        InferenceSettings settings = new InferenceSettings(1, 0, "model", List.of(), List.of(), 0.875);
        try {
            ExecutorModels.Lease lease = ExecutorModels.borrow(ref);
            settings.applyThreads();
            return new SqlScorer(lease, ScoringPlan.create(ref, lease.model().config(), lease.metadata(), settings, 0,
                    ResampleFilter.BICUBIC, 89_478_485L, 256L << 20, "normalisation"));
        } catch (IOException e) {
            throw new UncheckedIOException(model + ": " + e.getMessage(), e);
        }
    }

    private static void giveBack(Map<String, SqlScorer> borrowed) {
        borrowed.values().forEach(s -> s.lease.close());
        borrowed.clear();
    }

    /** The image's scores, or null outputs with a reason. */
    ImageBatchScorer.Scores score(byte[] file) {
        return new ImageBatchScorer(lease.model(), plan).score(List.of(inputs.decode(file, "0")));
    }

    ScoringPlan plan() {
        return plan;
    }
}
