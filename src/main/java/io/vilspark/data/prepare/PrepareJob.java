package io.vilspark.data.prepare;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.PatchLayout;
import io.vilspark.data.PatchShardSchema;
import io.vilspark.data.ProgressReporter;
import io.vilspark.data.RunPartitioner;
import io.vilspark.fs.HadoopConfBox;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * {@code vil prepare} as a Spark job: plan on the driver (layout, classes), list the files on the
 * executors, sort the inputs of each split by key and cut the sorted list into shards, then
 * decode, resize, crop and cut into patches on the executors, writing each shard as one Parquet
 * file. Only file names and counters travel to the driver, never pixels. Everything goes to a
 * staging folder that is renamed into place at the end, manifest last.
 */
public final class PrepareJob {
    private PrepareJob() {
    }

    /** @param progress where progress lines go (null: nowhere) */
    public static PrepareResult run(SparkSession spark, PrepareSettings settings, PrintWriter progress)
            throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        SourcePlan plan = SourcePlanner.plan(settings, conf);
        StagedOutput output = StagedOutput.prepare(settings.output(), settings.overwrite(), conf);
        int channels = settings.channelsFor(plan.format());
        EncodeSettings encode = new EncodeSettings(settings.resolution(), settings.patch(), channels,
                settings.filter(), settings.maxPixels(), settings.maxFileBytes(), settings.skippedExamples(),
                settings.failOnKey());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int cores = jsc.defaultParallelism();
        HadoopConfBox hadoop = new HadoopConfBox(conf);

        int listingSlices = Math.max(1, Math.min(plan.tasks().size(), cores * 4));
        JavaRDD<InputItem> items = jsc.parallelize(plan.tasks(), listingSlices)
                .flatMap(new Lister(new Path(plan.root()).toUri().getPath(), hadoop))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            Map<Split, Long> listed = new EnumMap<>(Split.class);
            listed.putAll(items.map(InputItem::split).countByValue());
            long found = listed.values().stream().mapToLong(Long::longValue).sum();
            if (found == 0) {
                throw new BadSourceException(settings.input() + ": no images found (" + plan.tasks().size()
                        + " " + (plan.format() == SourceFormat.IDX ? "IDX file(s)" : "folder(s)") + " listed)");
            }
            Map<Split, Long> taken = new EnumMap<>(Split.class);
            for (Split split : Split.values()) {
                long n = listed.getOrDefault(split, 0L);
                taken.put(split, settings.limit() > 0 ? Math.min(n, settings.limit()) : n);
            }
            long total = taken.values().stream().mapToLong(Long::longValue).sum();

            StatsAccumulator stats = new StatsAccumulator(channels, settings.skippedExamples());
            spark.sparkContext().register(stats, "vil.prepare.stats");
            LongAccumulator inputsDone = spark.sparkContext().longAccumulator("vil.prepare.inputs");
            ShardEncoder encoder = new ShardEncoder(encode, hadoop, stats, inputsDone);
            Map<String, Object> shards = new LinkedHashMap<>();
            long start = System.nanoTime();
            try (ProgressReporter reporter = new ProgressReporter("prepare", inputsDone.id(), total, progress,
                    settings.progressSeconds())) {
                spark.sparkContext().addSparkListener(reporter);
                try {
                    for (Split split : Split.values()) {
                        RunPartitioner partitioner = RunPartitioner.forShards(taken.get(split), encode.layout().size(),
                                settings.shardBytes(), settings.minShards() == 0 ? cores : settings.minShards());
                        shards.put(split.dir(), taken.get(split) == 0 ? 0 : partitioner.numPartitions());
                        writeSplit(spark, items, split, taken.get(split), partitioner, encoder,
                                new Path(output.staging(), split.dir()).toString(), settings.compression());
                    }
                } finally {
                    spark.sparkContext().removeSparkListener(reporter);
                }
                if (progress != null && settings.progressSeconds() > 0) {
                    progress.println(reporter.line());
                    progress.flush();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            StatsTally tally = stats.value();
            DatasetManifest manifest = manifest(settings, plan, encode.layout(), tally, listed, shards);
            output.commit(manifest, conf);
            return new PrepareResult(manifest, output.target().toString(), total, seconds, cores);
        } catch (Exception | Error e) {
            // also Spark's job failures, which Scala throws without declaring them
            output.abandon();
            throw e;
        } finally {
            items.unpersist(false);
        }
    }

    /** One split: sort by key, number the rows, cut into shards, encode and write each shard as one file. */
    private static void writeSplit(SparkSession spark, JavaRDD<InputItem> items, Split split, long take,
                                   RunPartitioner shards, ShardEncoder encoder, String dir, String compression) {
        JavaRDD<Row> rows;
        if (take == 0) {
            rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).emptyRDD();
        } else {
            JavaRDD<InputItem> ofSplit = items.filter(i -> i.split() == split);
            JavaPairRDD<Long, InputItem> numbered = ofSplit
                    .sortBy(InputItem::sortKey, true, Math.max(1, items.getNumPartitions()))
                    .zipWithIndex()
                    .filter(t -> t._2() < take)
                    .mapToPair(t -> new Tuple2<>(t._2(), t._1()));
            rows = numbered.repartitionAndSortWithinPartitions(shards).mapPartitions(encoder);
        }
        spark.createDataFrame(rows, PatchShardSchema.SCHEMA).write()
                .option("compression", compression.equals("none") ? "uncompressed" : compression)
                .parquet(dir);
    }

    private static DatasetManifest manifest(PrepareSettings settings, SourcePlan plan, PatchLayout layout,
                                            StatsTally tally, Map<Split, Long> listed, Map<String, Object> shards)
            throws BadSourceException {
        long trainRows = tally.rows[Split.TRAIN.ordinal()];
        long valRows = tally.rows[Split.VAL.ordinal()];
        if (trainRows + valRows == 0) {
            throw new BadSourceException(settings.input() + ": no input could be used; skipped " + tally.skippedByReason());
        }
        // mean/std come from the training split; a source with val only (e.g. just t10k files) uses val
        Split statsSplit = trainRows > 0 ? Split.TRAIN : Split.VAL;
        List<String> classes = classes(settings, plan, tally);

        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put(Split.TRAIN.dir(), trainRows);
        rows.put(Split.VAL.dir(), valRows);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("input", settings.input());
        source.put("format", plan.format().configName());
        Map<String, Long> inputs = new LinkedHashMap<>();
        listed.forEach((split, n) -> inputs.put(split.dir(), n));
        source.put("inputs_listed", inputs);
        if (settings.limit() > 0) {
            source.put("limit", settings.limit());
        }
        source.put("filter", settings.filter().configName());
        source.put("transform", "resize shorter side to " + settings.resolution() + ", centre crop "
                + settings.resolution() + "x" + settings.resolution());
        source.put("compression", settings.compression());
        source.put("shards", shards);
        source.put("normalisation_from", statsSplit.dir());
        source.putAll(plan.notes());
        source.put("created", Instant.now().toString());
        return new DatasetManifest(DatasetManifest.FORMAT_VERSION, classes, layout.height(), layout.width(),
                layout.patch(), layout.channels(), tally.mean(statsSplit), tally.std(statsSplit), rows,
                tally.skippedByReason(), tally.examplesByReason(), source);
    }

    /** Folder names, or for IDX the configured names, else "0" .. the largest label seen. */
    private static List<String> classes(PrepareSettings settings, SourcePlan plan, StatsTally tally)
            throws BadSourceException {
        if (plan.classes() != null) {
            if (plan.format() == SourceFormat.IDX && tally.maxLabel >= plan.classes().size()) {
                throw new BadSourceException(settings.input() + ": label " + tally.maxLabel + " found, but class_names "
                        + "has only " + plan.classes().size() + " names");
            }
            return plan.classes();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= tally.maxLabel; i++) {
            names.add(Integer.toString(i));
        }
        return names;
    }
}
