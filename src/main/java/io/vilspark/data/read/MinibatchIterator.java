package io.vilspark.data.read;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import io.vilspark.data.PatchLayout;
import io.vilspark.image.ChwImage;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One partition's rows as minibatches: features NCHW float32 {@code [B, C, H, W]} normalised,
 * labels {@code [B, classes]} (one-hot, or smoothed and mixed in training), the row keys as the
 * DataSet's example metadata. The last batch holds what is left (it may be smaller).
 *
 * <p>Randomness: image {@code i} of the partition draws from its own stream seeded by (seed,
 * epoch, partition, i), batch {@code j}'s mixing from (seed, epoch, partition, j).
 */
public final class MinibatchIterator implements Iterator<DataSet> {
    private final Iterator<ShardRecord> records;
    private final ReaderPlan plan;
    private final RecordCheck check;
    private final PatchLayout layout;
    private final ImageTransform transform;
    private final long partitionSeed;
    private long images;
    private long batches;

    MinibatchIterator(Iterator<ShardRecord> records, ReaderPlan plan, int partition) {
        this.plan = plan;
        this.partitionSeed = Seeds.partition(plan.config().seed(), plan.epoch(), partition);
        boolean train = plan.mode() == ReadMode.TRAIN;
        int buffer = plan.config().shuffleBuffer();
        this.records = train && buffer > 0
                ? new ShuffleBuffer<>(records, buffer, new SplittableRandom(Seeds.stream(partitionSeed, Seeds.SHUFFLE, 0)))
                : records;
        this.layout = plan.storedLayout();
        this.check = new RecordCheck(layout, plan.datasetClasses(), train);
        this.transform = plan.transform();
    }

    @Override
    public boolean hasNext() {
        return records.hasNext();
    }

    @Override
    public DataSet next() {
        if (!records.hasNext()) {
            throw new NoSuchElementException();
        }
        int c = plan.channels();
        int h = plan.height();
        int w = plan.width();
        int size = c * h * w;
        int capacity = plan.config().batchSize();
        float[] features = new float[capacity * size];
        int[] labels = new int[capacity];
        List<String> keys = new ArrayList<>(capacity);
        int n = 0;
        while (n < capacity && records.hasNext()) {
            ShardRecord r = records.next();
            check.check(r);
            write(r, features, n * size);
            labels[n] = r.label();
            keys.add(r.key());
            n++;
        }
        if (n < capacity) {
            features = Arrays.copyOf(features, n * size);
        }
        BatchMixer.Mix mix = BatchMixer.Mix.NONE;
        double smoothing = 0;
        if (plan.mode() == ReadMode.TRAIN) {
            AugmentationConfig a = plan.config().augment();
            mix = BatchMixer.decide(a, h, w, new SplittableRandom(Seeds.stream(partitionSeed, Seeds.BATCH, batches)));
            BatchMixer.mixImages(features, n, c, h, w, mix);
            smoothing = a.labelSmoothing();
        }
        batches++;
        float[] targets = BatchMixer.targets(labels, n, plan.classes(), mix.lambda(), smoothing);
        DataSet ds = new DataSet(Nd4j.create(features, new long[] {n, c, h, w}, 'c'),
                Nd4j.create(targets, new long[] {n, plan.classes()}, 'c'));
        ds.setExampleMetaData(keys);
        return ds;
    }

    private void write(ShardRecord r, float[] out, int offset) {
        byte[] chw = layout.toImage(r.pixels());
        long index = images++;
        if (transform.exact()) {
            plan.normalisation().write(chw, layout.channels(), layout.height() * layout.width(), out, offset);
            return;
        }
        SplittableRandom rng = new SplittableRandom(Seeds.stream(partitionSeed, Seeds.IMAGE, index));
        ChwImage image = transform.apply(ChwImage.fromBytes(chw, layout.channels(), layout.height(), layout.width()), rng);
        plan.normalisation().write(image, out, offset);
    }
}
