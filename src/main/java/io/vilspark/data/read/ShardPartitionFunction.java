package io.vilspark.data.read;

import java.util.Iterator;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;

/** The executor side of {@link ShardDatasets}: a partition's rows to its minibatches. */
public final class ShardPartitionFunction implements Function2<Integer, Iterator<Row>, Iterator<DataSet>> {
    private static final long serialVersionUID = 1L;

    private final ReaderPlan plan;

    public ShardPartitionFunction(ReaderPlan plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<DataSet> call(Integer partition, Iterator<Row> rows) {
        return plan.batchesOfRows(rows, partition);
    }
}
