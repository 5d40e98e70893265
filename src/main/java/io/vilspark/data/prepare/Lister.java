package io.vilspark.data.prepare;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import io.vilspark.image.SkipReason;
import io.vilspark.fs.HadoopConfBox;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.FlatMapFunction;

/** Runs a {@link ListingTask} on an executor: the inputs it covers, in no particular order. */
final class Lister implements FlatMapFunction<ListingTask, InputItem> {
    private static final long serialVersionUID = 1L;
    private final String rootPath;
    private final HadoopConfBox hadoop;

    /** @param rootPath the input root's path part (no scheme): keys are relative to it */
    Lister(String rootPath, HadoopConfBox hadoop) {
        this.rootPath = rootPath;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<InputItem> call(ListingTask task) throws IOException {
        Configuration conf = hadoop.get();
        if (task instanceof ListingTask.ClassFolder f) {
            return classFolder(f, conf).iterator();
        }
        if (task instanceof ListingTask.FlatFolder f) {
            return flatFolder(f, conf).iterator();
        }
        return idxPair((ListingTask.IdxPair) task, conf).iterator();
    }

    private List<InputItem> classFolder(ListingTask.ClassFolder task, Configuration conf) throws IOException {
        Path dir = new Path(task.dir());
        FileSystem fs = dir.getFileSystem(conf);
        List<InputItem> items = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
        while (files.hasNext()) {
            LocatedFileStatus f = files.next();
            String key = keyOf(f.getPath());
            if (!f.isFile() || isHidden(key)) {
                continue;
            }
            items.add(InputItem.file(task.split(), key, task.label(), f.getPath().toString(), f.getLen()));
        }
        if (task.split() != null) {
            return items;
        }
        return holdOut(items, task.valFraction(), task.seed(), task.label());
    }

    /**
     * Seeded choice of round(fraction * n) files of one class as val; the rest is train. Depends on
     * the set of keys only, not on the listing order.
     */
    static List<InputItem> holdOut(List<InputItem> items, double fraction, long seed, int label) {
        List<InputItem> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparing(InputItem::key));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed * 1_000_003L + label));
        int val = (int) Math.round(fraction * sorted.size());
        List<InputItem> out = new ArrayList<>(sorted.size());
        for (int rank = 0; rank < order.size(); rank++) {
            InputItem it = sorted.get(order.get(rank));
            Split split = rank < val ? Split.VAL : Split.TRAIN;
            out.add(InputItem.file(split, it.key(), it.label(), it.path(), it.size()));
        }
        return out;
    }

    private List<InputItem> flatFolder(ListingTask.FlatFolder task, Configuration conf) throws IOException {
        Path dir = new Path(task.dir());
        FileSystem fs = dir.getFileSystem(conf);
        List<InputItem> items = new ArrayList<>();
        for (FileStatus f : fs.listStatus(dir)) {
            String key = keyOf(f.getPath());
            if (!f.isFile() || isHidden(key)) {
                continue;
            }
            Integer label = task.labelsByName().get(ValGroundTruth.stem(f.getPath().getName()));
            InputItem item = InputItem.file(task.split(), key, label == null ? -1 : label, f.getPath().toString(),
                    f.getLen());
            items.add(label == null ? item.skipped(SkipReason.NO_LABEL) : item);
        }
        return items;
    }

    private List<InputItem> idxPair(ListingTask.IdxPair task, Configuration conf) throws IOException {
        IdxHeader images = IdxHeader.read(task.images(), conf);
        List<InputItem> items = new ArrayList<>(images.count());
        byte[] labels = task.labels() == null ? null : readLabels(task.labels(), conf);
        for (int i = 0; i < images.count(); i++) {
            if (labels != null && i >= labels.length) {
                items.add(InputItem.idxRecord(task.split(), i, -1, task.images()).skipped(SkipReason.TRUNCATED));
            } else {
                int label = labels == null ? -1 : labels[i] & 0xFF;
                items.add(InputItem.idxRecord(task.split(), i, label, task.images()));
            }
        }
        return items;
    }

    /** The labels; fewer than the header says when the file is cut short. */
    private static byte[] readLabels(String path, Configuration conf) throws IOException {
        try (DataInputStream in = IdxHeader.open(path, conf)) {
            IdxHeader h = IdxHeader.read(in, path);
            // grows as bytes arrive: the count is only the header's claim
            return in.readNBytes(h.count());
        } catch (EOFException e) {
            return new byte[0];
        } catch (java.util.zip.ZipException e) {
            throw new BadSourceException(path + ": corrupt gzip data in the labels file (" + e.getMessage() + ")");
        }
    }

    private String keyOf(Path file) {
        String p = file.toUri().getPath();
        String prefix = rootPath.endsWith("/") ? rootPath : rootPath + "/";
        if (!p.startsWith(prefix)) {
            throw new IllegalStateException(file + " is not below the input root " + rootPath);
        }
        return p.substring(prefix.length());
    }

    /** Dot files and folders (.DS_Store, ._x.jpg, .git/...) are not inputs. */
    static boolean isHidden(String relativePath) {
        for (String part : relativePath.split("/")) {
            if (part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
