package io.vilspark.data.read;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.DatasetUnion;
import io.vilspark.data.PatchShardSchema;
import io.vilspark.model.ViLConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The driver side of the reader: a split of a prepared dataset as an RDD of minibatches. Spark
 * reads the Parquet files on the executors and {@link ShardPartitionFunction} converts each
 * partition there; the driver only reads the manifest and plans the job (nothing is collected).
 */
public final class ShardDatasets {
    private static final String ORDER_COLUMN = "_vil_order";

    private ShardDatasets() {
    }

    /**
     * Minibatches of {@code <root>/<split>} for {@code model}. Training reads are shuffled (when
     * configured) and augmented with draws seeded by (seed, epoch, partition); call once per epoch.
     *
     * @throws IOException          the manifest is missing or unreadable
     * @throws ShardDataException   the dataset does not fit the model, the split is missing or its schema is wrong
     */
    public static JavaRDD<DataSet> read(SparkSession spark, String root, String split, ViLConfig model,
                                        ReaderConfig config, ReadMode mode, int epoch) throws IOException {
        DatasetManifest manifest = DatasetManifest.read(root, spark.sparkContext().hadoopConfiguration());
        return read(spark, root, split, ReaderPlan.create(manifest, model, config, mode, epoch, root));
    }

    /**
     * As above, in exactly {@code partitions} partitions (fewer only when the split has fewer files),
     * merged before the rows become minibatches: each partition ends in one short minibatch at most
     * (training: one partition per worker, so an epoch is {@code ceil(images / batch)} minibatches on
     * one worker, as the reference counts it, instead of one short minibatch per Parquet file).
     */
    public static JavaRDD<DataSet> read(SparkSession spark, String root, String split, ViLConfig model,
                                        ReaderConfig config, ReadMode mode, int epoch, int partitions) throws IOException {
        DatasetManifest manifest = DatasetManifest.read(root, spark.sparkContext().hadoopConfiguration());
        ReaderPlan plan = ReaderPlan.create(manifest, model, config, mode, epoch, root);
        return batches(rows(spark, root, split, plan).coalesce(partitions), plan);
    }

    /** As above with a plan made beforehand (e.g. once per job, then {@link ReaderPlan#forEpoch}). */
    public static JavaRDD<DataSet> read(SparkSession spark, String root, String split, ReaderPlan plan) {
        return batches(rows(spark, root, split, plan), plan);
    }

    /** The split's rows in the plan's order (shuffled across files when configured). */
    private static JavaRDD<Row> rows(SparkSession spark, String root, String split, ReaderPlan plan) {
        Dataset<Row> rows = rows(spark, root, split);
        if (plan.mode() == ReadMode.TRAIN && plan.config().shuffleGlobal()) {
            rows = shuffled(rows, plan.config().seed(), plan.epoch());
        }
        return rows.javaRDD();
    }

    private static JavaRDD<DataSet> batches(JavaRDD<Row> rows, ReaderPlan plan) {
        return rows.mapPartitionsWithIndex(new ShardPartitionFunction(plan), false);
    }

    /**
     * The rows of {@code <root>/<split>}: the contract columns in schema order, then the file each
     * row came from (for error messages). The schema is checked against the shard schema here, on the driver.
     */
    public static Dataset<Row> rows(SparkSession spark, String root, String split) {
        String folder = new Path(root, split).toString();
        String[] folders = folders(root, split, spark.sparkContext().hadoopConfiguration());
        Dataset<Row> df;
        try {
            df = spark.read().parquet(folders);
        } catch (Exception e) {
            if (e instanceof AnalysisException || e.getCause() instanceof AnalysisException) {
                throw new ShardDataException(folder + ": cannot read the split as Parquet shards: "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
            throw e;
        }
        try {
            PatchShardSchema.validate(df.schema(), folder);
        } catch (IllegalArgumentException e) {
            throw new ShardDataException(e.getMessage(), e);
        }
        Column[] columns = Arrays.stream(ShardRecord.COLUMNS).map(functions::col).toArray(Column[]::new);
        Column[] withSource = Arrays.copyOf(columns, columns.length + 1);
        withSource[columns.length] = functions.input_file_name().as(ShardRecord.SOURCE_COLUMN);
        return df.select(withSource);
    }

    /**
     * Rows redistributed at random over as many partitions as were read: a seeded random key, a
     * hash repartition on it and a sort inside each partition, so the order is random yet the same
     * whenever Spark recomputes the RDD.
     */
    static Dataset<Row> shuffled(Dataset<Row> rows, long seed, int epoch) {
        int partitions = Math.max(1, rows.rdd().getNumPartitions());
        long orderSeed = Seeds.stream(Seeds.derive(seed, epoch), Seeds.ROW_ORDER, 0);
        Column order = functions.col(ORDER_COLUMN);
        return rows.withColumn(ORDER_COLUMN, functions.rand(orderSeed))
                .repartition(partitions, order)
                .sortWithinPartitions(order)
                .drop(ORDER_COLUMN);
    }

    /**
     * Checks that {@code <root>/<split>} (of every member, for a union of datasets) is there and that every shard's
     * footer reads, so that a damaged file stops a job before any work, in one line naming it.
     *
     * @return the split's folders
     * @throws ShardDataException a missing split, or a file that is not a readable Parquet shard
     */
    public static String[] checkSplit(String root, String split, Configuration hadoop) {
        String[] folders = folders(root, split, hadoop);
        for (String f : folders) {
            try {
                ShardFooters.check(f, hadoop);
            } catch (IOException e) {
                throw new ShardDataException(f + ": cannot list the split: " + e.getMessage(), e);
            }
        }
        return folders;
    }

    /** The split's folders (of every member, for a union of datasets), each required to exist. */
    private static String[] folders(String root, String split, Configuration hadoop) {
        List<String> members;
        try {
            members = DatasetUnion.members(root, hadoop);
        } catch (IOException e) {
            throw new ShardDataException(root + ": unreadable " + DatasetUnion.FILE_NAME + ": " + e.getMessage(), e);
        }
        String[] folders;
        if (members.isEmpty()) {
            folders = new String[] {new Path(root, split).toString()};
        } else {
            // a union of prepared datasets (DatasetUnion): the split of every member
            folders = members.stream().map(m -> new Path(m, split).toString()).toArray(String[]::new);
        }
        for (String f : folders) {
            requireFolder(f, hadoop);
        }
        return folders;
    }

    private static void requireFolder(String folder, Configuration hadoop) {
        try {
            Path path = new Path(folder);
            FileSystem fs = path.getFileSystem(hadoop);
            if (!fs.exists(path)) {
                throw new ShardDataException(folder + ": no such split folder");
            }
        } catch (IOException e) {
            throw new ShardDataException(folder + ": cannot list the split: " + e.getMessage(), e);
        }
    }
}
