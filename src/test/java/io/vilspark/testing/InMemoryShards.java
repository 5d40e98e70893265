package io.vilspark.testing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.vilspark.data.PatchLayout;
import io.vilspark.data.read.PixelNormalisation;
import io.vilspark.data.read.ReadMode;
import io.vilspark.data.read.ReaderConfig;
import io.vilspark.data.read.ReaderPlan;
import io.vilspark.data.read.ShardRecord;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Reader plans and shard records in memory, for tests of the conversion itself (no files, no Spark). */
public final class InMemoryShards {
    private InMemoryShards() {
    }

    public static ReaderPlan plan(int channels, int stored, int patch, int classes, int modelSize, ReaderConfig config,
                           ReadMode mode, int epoch) {
        List<Double> mean = channels == 3 ? TestShards.MEAN3 : TestShards.MEAN1;
        List<Double> std = channels == 3 ? TestShards.STD3 : TestShards.STD1;
        return new ReaderPlan(channels, stored / patch, stored / patch, patch, classes, classes, modelSize, modelSize,
                new PixelNormalisation(mean, std), config, mode, epoch);
    }

    public static List<ShardRecord> records(List<TestShards.Image> images, PatchLayout layout) {
        List<ShardRecord> out = new ArrayList<>();
        for (TestShards.Image i : images) {
            out.add(new ShardRecord(i.key(), i.label(), layout.gridH(), layout.gridW(), layout.patch(), layout.channels(),
                    layout.toPatches(i.chw()), "memory"));
        }
        return out;
    }

    public static List<DataSet> read(ReaderPlan plan, List<ShardRecord> records, int partition) {
        List<DataSet> out = new ArrayList<>();
        Iterator<DataSet> it = plan.batches(records.iterator(), partition);
        it.forEachRemaining(out::add);
        return out;
    }

    /** Image {@code b} of a batch as a flat CHW float array. */
    public static float[] image(DataSet ds, int b) {
        INDArray x = ds.getFeatures();
        return x.get(NDArrayIndex.point(b)).dup('c').data().asFloat();
    }

    /** Mirrors each row of a CHW float image. */
    public static float[] mirrored(float[] chw, int channels, int h, int w) {
        float[] out = new float[chw.length];
        for (int r = 0; r < channels * h; r++) {
            for (int x = 0; x < w; x++) {
                out[r * w + x] = chw[r * w + w - 1 - x];
            }
        }
        return out;
    }

    /** A CHW image whose every pixel has value {@code v}. */
    public static byte[] constant(int channels, int size, int v) {
        byte[] b = new byte[channels * size * size];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
