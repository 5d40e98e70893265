package io.vilspark.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** Rows of a written split, read back with Spark in storage order: shard files by name, rows as stored. */
public final class Shards {
    private Shards() {
    }

    public record StoredRow(String key, int label, int gridH, int gridW, int patch, int channels, byte[] pixels, String file) {
        @Override
        public boolean equals(Object o) {
            return o instanceof StoredRow r && r.key.equals(key) && r.label == label && r.gridH == gridH
                    && r.gridW == gridW && r.patch == patch && r.channels == channels && Arrays.equals(r.pixels, pixels);
        }

        @Override
        public int hashCode() {
            return key.hashCode();
        }
    }

    public static List<StoredRow> read(String dir) {
        List<Row> rows = LocalSpark.session().read().parquet(dir)
                .withColumn("file", functions.input_file_name())
                .withColumn("pos", functions.monotonically_increasing_id())
                .collectAsList();
        List<StoredRow> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new StoredRow(r.getString(0), r.getInt(1), r.getInt(2), r.getInt(3), r.getInt(4), r.getInt(5),
                    (byte[]) r.get(6), r.getString(7)));
        }
        // file order by name; rows keep their order inside a file (collect preserves partition order)
        List<StoredRow> sorted = new ArrayList<>(out);
        sorted.sort((a, b) -> a.file().compareTo(b.file()));
        return sorted;
    }
}
