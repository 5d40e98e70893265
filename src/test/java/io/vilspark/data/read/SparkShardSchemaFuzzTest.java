package io.vilspark.data.read;

import io.vilspark.data.PatchLayout;
import io.vilspark.fuzz.ForeignParquetShards;
import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.LocalSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet shards with foreign schemas (written by Parquet's own writer) through the Spark side of the
 * reader, {@link ShardDatasets#rows} (schema checked on the driver) and {@link ShardRecord#fromRow}
 * with {@link RecordCheck} on the rows: the data is read or refused with a ShardDataException. Few
 * inputs, each is a Spark job; damaged bytes are {@link ParquetShardFuzzTest}'s.
 */
@IntegrationTest
class SparkShardSchemaFuzzTest {
    private static final PatchLayout LAYOUT = new PatchLayout(1, 2, 2, 4);

    @TempDir
    Path tmp;

    @Test
    void foreignSchemasAreReadOrRefusedByName() throws Exception {
        ForeignParquetShards shards = new ForeignParquetShards(1, LAYOUT.gridH(), LAYOUT.gridW(), LAYOUT.patch(),
                LAYOUT.channels());
        SparkSession spark = LocalSpark.session();
        RecordCheck check = new RecordCheck(LAYOUT, 3, true);
        AtomicInteger dataset = new AtomicInteger();
        FuzzCampaign.Result result = FuzzCampaign.named("spark-shard-schema")
                .seeds(List.of(shards.contractFile(tmp, new Random(1))))
                .generator((s, random) -> random.nextInt(3) == 0 ? shards.contractFile(tmp, random)
                        : shards.foreignFile(tmp, random))
                .allow(ShardDataException.class)
                .fileSuffix(".parquet")
                .iterations(30)
                .timeoutMillis(60_000)
                .run(tmp, (bytes, file) -> {
                    // a fresh dataset root each time: Spark caches what it listed
                    Path root = tmp.resolve("dataset-" + dataset.incrementAndGet());
                    Files.write(Files.createDirectories(root.resolve("train")).resolve("part-00000.parquet"), bytes);
                    List<Row> rows = ShardDatasets.rows(spark, root.toUri().toString(), "train").collectAsList();
                    List<ShardRecord> records = new ArrayList<>();
                    for (Row row : rows) {
                        records.add(ShardRecord.fromRow(row));
                    }
                    records.forEach(check::check);
                });
        result.assertBothOutcomes();
    }
}
