package io.vilspark.data.read;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.vilspark.data.DatasetManifest;
import io.vilspark.model.ViLConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A split of a prepared dataset as a DL4J {@link DataSetIterator}, in one JVM without Spark: for
 * evaluation, tests and tools. The files are read in name order as one stream (partition 0), with
 * exactly the minibatch conversion of the Spark path; a global shuffle is a Spark-only feature,
 * the {@code shuffle.buffer} applies here too. {@link #reset()} starts the same epoch again.
 */
public final class ShardDataSetIterator implements DataSetIterator, Closeable {
    private static final long serialVersionUID = 1L;

    private final String folder;
    private final ReaderPlan plan;
    private final List<String> classNames;
    private final transient Configuration hadoop;
    private transient ParquetRecordIterator records;
    private transient Iterator<DataSet> batches;
    private DataSetPreProcessor preProcessor;

    /**
     * Opens {@code <root>/<split>} for {@code model}: reads the manifest, checks the dataset against
     * the model and lists the split's files.
     */
    public static ShardDataSetIterator open(String root, String split, ViLConfig model, ReaderConfig config,
                                            ReadMode mode, int epoch, Configuration hadoop) throws IOException {
        DatasetManifest manifest = DatasetManifest.read(root, hadoop);
        ReaderPlan plan = ReaderPlan.create(manifest, model, config, mode, epoch, root);
        return new ShardDataSetIterator(new Path(root, split).toString(), plan, manifest.classes(), hadoop);
    }

    public ShardDataSetIterator(String folder, ReaderPlan plan, List<String> classNames, Configuration hadoop)
            throws IOException {
        this.folder = folder;
        this.plan = plan;
        this.classNames = List.copyOf(classNames);
        this.hadoop = hadoop;
        start();
    }

    private void start() throws IOException {
        records = new ParquetRecordIterator(ParquetShardFiles.list(folder, hadoop), hadoop);
        batches = plan.batches(records, 0);
    }

    @Override
    public boolean hasNext() {
        return batches.hasNext();
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException(folder + ": no more minibatches");
        }
        DataSet ds = batches.next();
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /** Minibatch size is fixed by the reader configuration. */
    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("the minibatch size is the reader's batch_size ("
                + plan.config().batchSize() + "); next(int) is not supported");
    }

    @Override
    public int inputColumns() {
        return plan.channels() * plan.height() * plan.width();
    }

    @Override
    public int totalOutcomes() {
        return plan.classes();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        try {
            close();
            start();
        } catch (IOException e) {
            throw new UncheckedIOException(folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int batch() {
        return plan.config().batchSize();
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    /** Class names in index order (the manifest's). */
    @Override
    public List<String> getLabels() {
        return classNames;
    }

    public ReaderPlan plan() {
        return plan;
    }

    @Override
    public void close() throws IOException {
        if (records != null) {
            records.close();
        }
    }
}
