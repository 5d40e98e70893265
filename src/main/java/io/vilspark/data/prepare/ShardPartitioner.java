package io.vilspark.data.prepare;

import org.apache.spark.Partitioner;

/** Row index (in key order) to shard: consecutive runs of {@code rowsPerShard} rows. */
final class ShardPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final long rowsPerShard;
    private final int shards;

    ShardPartitioner(long rowsPerShard, int shards) {
        this.rowsPerShard = rowsPerShard;
        this.shards = shards;
    }

    @Override
    public int numPartitions() {
        return shards;
    }

    @Override
    public int getPartition(Object key) {
        return (int) Math.min(shards - 1, (Long) key / rowsPerShard);
    }

    /**
     * Shards for {@code rows} rows of {@code rowBytes} each: as many as the target size asks, but at
     * least {@code minShards} (so every core encodes), and rows spread evenly over them.
     */
    static ShardPartitioner plan(long rows, long rowBytes, long targetBytes, int minShards) {
        long byTarget = Math.max(1, targetBytes / rowBytes);
        long shards = Math.max((rows + byTarget - 1) / byTarget, Math.min(minShards, rows));
        shards = Math.max(1, Math.min(shards, Integer.MAX_VALUE));
        long perShard = Math.max(1, (rows + shards - 1) / shards);
        return new ShardPartitioner(perShard, (int) shards);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ShardPartitioner p && p.rowsPerShard == rowsPerShard && p.shards == shards;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rowsPerShard) * 31 + shards;
    }
}
