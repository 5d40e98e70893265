package io.vilspark.data;

import org.apache.spark.Partitioner;

/**
 * Row index (a {@code Long} key, in key order) to partition: consecutive runs of {@code rowsPerPartition} rows, so
 * that each partition (a prepare shard, an extract part file) holds a contiguous range of the sorted inputs.
 */
public final class RunPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long rowsPerPartition;
    private final int partitions;

    public RunPartitioner(long rowsPerPartition, int partitions) {
        this.rowsPerPartition = rowsPerPartition;
        this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return (int) Math.min(partitions - 1, (Long) key / rowsPerPartition);
    }

    /**
     * Prepare's shards for {@code rows} rows of {@code rowBytes} each: as many as the target size asks, but at
     * least {@code minShards} (so every core encodes), and rows spread evenly over them.
     */
    public static RunPartitioner forShards(long rows, long rowBytes, long targetBytes, int minShards) {
        long byTarget = Math.max(1, targetBytes / rowBytes);
        long shards = Math.max((rows + byTarget - 1) / byTarget, Math.min(minShards, rows));
        shards = Math.max(1, Math.min(shards, Integer.MAX_VALUE));
        long perShard = Math.max(1, (rows + shards - 1) / shards);
        return new RunPartitioner(perShard, (int) shards);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunPartitioner p && p.rowsPerPartition == rowsPerPartition && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rowsPerPartition) * 31 + partitions;
    }
}
