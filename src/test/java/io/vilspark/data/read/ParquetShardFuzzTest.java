package io.vilspark.data.read;

import io.vilspark.data.PatchLayout;
import io.vilspark.fuzz.ForeignParquetShards;
import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.fuzz.Mutator;
import io.vilspark.testing.IntegrationTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet shards from the outside, through the executors' reader ({@link ParquetRecordIterator} and
 * {@link RecordCheck}, what training, evaluation and extraction run per shard file): foreign schemas
 * written by Parquet itself, and byte mutations of real shards (footer, page headers, sizes). A file
 * is read or refused with a ShardDataException that names it.
 */
@IntegrationTest
class ParquetShardFuzzTest {
    private static final PatchLayout LAYOUT = new PatchLayout(1, 2, 2, 4);
    private static final int CLASSES = 3;

    @TempDir
    Path tmp;

    @Test
    void foreignAndDamagedShardsAreReadOrRefusedByName() throws Exception {
        ForeignParquetShards shards = new ForeignParquetShards(1, LAYOUT.gridH(), LAYOUT.gridW(), LAYOUT.patch(),
                LAYOUT.channels());
        List<byte[]> seeds = new ArrayList<>();
        Random seeding = new Random(42);
        for (int i = 0; i < 4; i++) {
            seeds.add(shards.contractFile(tmp, seeding));
        }
        RecordCheck check = new RecordCheck(LAYOUT, CLASSES, true);
        Configuration conf = new Configuration();
        FuzzCampaign.Result result = FuzzCampaign.named("parquet-shard")
                .seeds(seeds)
                .generator((s, random) -> random.nextBoolean() ? shards.foreignFile(tmp, random)
                        : Mutator.mutate(s.get(random.nextInt(s.size())), s.get(random.nextInt(s.size())), random))
                .allow(ShardDataException.class)
                .fileSuffix(".parquet")
                .iterations(600)
                .run(tmp, (bytes, file) -> {
                    try (ParquetRecordIterator records = new ParquetRecordIterator(
                            List.of(new org.apache.hadoop.fs.Path(file.toUri())), conf)) {
                        while (records.hasNext()) {
                            check.check(records.next());
                        }
                    }
                });
        result.assertBothOutcomes();
    }
}
