package io.vilspark.features;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.vilspark.data.PatchLayout;
import io.vilspark.data.RunPartitioner;
import io.vilspark.data.prepare.BadSourceException;
import io.vilspark.data.prepare.ImageFileEncoder;
import io.vilspark.data.read.ShardRecord;
import io.vilspark.fs.HadoopConfBox;
import io.vilspark.image.ResampleFilter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * An image collection as extract input: a class-folder tree ({@code <class>/**}, labels are the
 * sorted folder names as in {@code prepare}; loose files beside the folders are unlabelled) or a
 * flat folder of images (unlabelled). The driver reads only the top folder; the folders are listed
 * on the executors, the inputs sorted by key and cut into partitions of
 * {@code images_per_partition}, so partition {@code p} holds the same files in every run and
 * becomes {@code part-<p>.parquet}. Files are decoded and cut into patches on the executors with
 * {@code prepare}'s code ({@link ImageFileEncoder}); files that cannot be used are skipped and counted.
 */
final class ImageInput {
    /** One image file; {@code label} -1 when unlabelled. */
    record Item(String key, String path, long size, int label) implements Serializable {
    }

    /** A folder to list on an executor: a class folder (recursively) or the root's loose files. */
    record Folder(String dir, int label, boolean recursive) implements Serializable {
    }

    /**
     * @param items      (index in key order, image) pairs, partition {@code p} holding indices [p * n, (p + 1) * n)
     * @param keyDigest  order-independent digest of every key: a rerun must see the same inputs
     */
    record Plan(List<String> classes, JavaPairRDD<Long, Item> items, long inputs, int partitions, long keyDigest,
                JavaRDD<Item> listed) {
    }

    private ImageInput() {
    }

    static Plan plan(JavaSparkContext jsc, String input, int perPartition, HadoopConfBox hadoop) throws IOException {
        Path given = new Path(input);
        FileSystem fs = given.getFileSystem(hadoop.get());
        if (!fs.exists(given)) {
            throw new BadSourceException(input + ": no such folder");
        }
        Path root = fs.makeQualified(given);
        if (!fs.getFileStatus(root).isDirectory()) {
            throw new BadSourceException(input + ": not a folder; give a folder of images or of class folders");
        }
        List<String> classes = new ArrayList<>();
        List<Folder> folders = new ArrayList<>();
        boolean looseFiles = false;
        FileStatus[] top = fs.listStatus(root);
        java.util.Arrays.sort(top, Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus s : top) {
            String name = s.getPath().getName();
            if (name.startsWith(".")) {
                continue;
            }
            if (s.isDirectory()) {
                folders.add(new Folder(s.getPath().toString(), classes.size(), true));
                classes.add(name);
            } else {
                looseFiles = true;
            }
        }
        if (looseFiles) {
            folders.add(new Folder(root.toString(), -1, false));
        }
        if (folders.isEmpty()) {
            throw new BadSourceException(input + ": no images (an empty folder)");
        }
        int slices = Math.max(1, Math.min(folders.size(), jsc.defaultParallelism() * 4));
        JavaRDD<Item> listed = jsc.parallelize(folders, slices)
                .flatMap(new Lister(root.toUri().getPath(), hadoop))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        long inputs = listed.count();
        if (inputs == 0) {
            listed.unpersist(false);
            throw new BadSourceException(input + ": no images found in " + folders.size() + " folder(s)");
        }
        long digest = listed.map(i -> fnv64(i.key())).fold(0L, Long::sum);
        int partitions = (int) ((inputs + perPartition - 1) / perPartition);
        JavaPairRDD<Long, Item> items = listed.sortBy(Item::key, true, Math.max(1, listed.getNumPartitions()))
                .zipWithIndex()
                .mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .repartitionAndSortWithinPartitions(new RunPartitioner(perPartition, partitions));
        return new Plan(List.copyOf(classes), items, inputs, partitions, digest, listed);
    }

    /** FNV-1a, 64 bits: a key's contribution to the plan digest. */
    static long fnv64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    static String partName(int partition) {
        return String.format("part-%05d.parquet", partition);
    }

    /** Lists one folder on an executor; keys are paths relative to the input root. Dot files are not inputs. */
    static final class Lister implements FlatMapFunction<Folder, Item> {
        private static final long serialVersionUID = 1L;
        private final String rootPath;
        private final HadoopConfBox hadoop;

        Lister(String rootPath, HadoopConfBox hadoop) {
            this.rootPath = rootPath.endsWith("/") ? rootPath : rootPath + "/";
            this.hadoop = hadoop;
        }

        @Override
        public Iterator<Item> call(Folder folder) throws IOException {
            Path dir = new Path(folder.dir());
            FileSystem fs = dir.getFileSystem(hadoop.get());
            List<Item> items = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, folder.recursive());
            while (files.hasNext()) {
                LocatedFileStatus f = files.next();
                String key = keyOf(f.getPath());
                if (f.isFile() && !hidden(key)) {
                    items.add(new Item(key, f.getPath().toString(), f.getLen(), folder.label()));
                }
            }
            return items.iterator();
        }

        private String keyOf(Path file) {
            String p = file.toUri().getPath();
            if (!p.startsWith(rootPath)) {
                throw new IllegalStateException(file + " is not below the input root " + rootPath);
            }
            return p.substring(rootPath.length());
        }

        private static boolean hidden(String relative) {
            for (String part : relative.split("/")) {
                if (part.startsWith(".")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** How images are stored before the model's crop: prepare's encoding at the model's patch size. */
    record Encoding(int resolution, int patch, int channels, ResampleFilter filter, long maxPixels, long maxFileBytes)
            implements Serializable {
        ImageFileEncoder encoder() {
            return new ImageFileEncoder(resolution, patch, channels, filter, maxPixels, maxFileBytes);
        }
    }

    /** The executor side: partition {@code p}'s images, encoded, through the extractor into {@code part-p}. */
    static final class Partitions implements Function2<Integer, Iterator<Tuple2<Long, Item>>, Iterator<PartitionStats>> {
        private static final long serialVersionUID = 1L;
        private final PartitionExtractor extractor;
        private final Encoding encoding;
        private final String outDir;
        private final int maxExamples;
        private final LongAccumulator inputsDone;

        Partitions(PartitionExtractor extractor, Encoding encoding, String outDir, int maxExamples,
                   LongAccumulator inputsDone) {
            this.extractor = extractor;
            this.encoding = encoding;
            this.outDir = outDir;
            this.maxExamples = maxExamples;
            this.inputsDone = inputsDone;
        }

        @Override
        public Iterator<PartitionStats> call(Integer partition, Iterator<Tuple2<Long, Item>> items) throws IOException {
            String name = partName(partition);
            String target = new Path(outDir, name).toString();
            PartitionStats done = extractor.completed(target);
            if (done != null) {
                return List.of(done).iterator();
            }
            PartitionStats.Skips skips = new PartitionStats.Skips(maxExamples);
            Iterator<ShardRecord> records = new Encoded(items, encoding.encoder(), skips, extractor.conf(), inputsDone);
            return List.of(extractor.extract(target, name, partition, records, skips)).iterator();
        }
    }

    /** Images to shard records, lazily; files that cannot be used become skip counts. */
    private static final class Encoded implements Iterator<ShardRecord> {
        private final Iterator<Tuple2<Long, Item>> items;
        private final ImageFileEncoder encoder;
        private final PatchLayout layout;
        private final PartitionStats.Skips skips;
        private final Configuration conf;
        private final LongAccumulator inputsDone;
        private ShardRecord pending;

        Encoded(Iterator<Tuple2<Long, Item>> items, ImageFileEncoder encoder, PartitionStats.Skips skips,
                Configuration conf, LongAccumulator inputsDone) {
            this.items = items;
            this.encoder = encoder;
            this.layout = encoder.layout();
            this.skips = skips;
            this.conf = conf;
            this.inputsDone = inputsDone;
        }

        @Override
        public boolean hasNext() {
            while (pending == null && items.hasNext()) {
                Item item = items.next()._2();
                ImageFileEncoder.Result r = encoder.encode(item.path(), item.size(), conf);
                inputsDone.add(1);
                if (r.ok()) {
                    pending = new ShardRecord(item.key(), item.label(), layout.gridH(), layout.gridW(), layout.patch(),
                            layout.channels(), r.patches(), item.path());
                } else {
                    skips.add(r.skipped(), item.key());
                }
            }
            return pending != null;
        }

        @Override
        public ShardRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ShardRecord r = pending;
            pending = null;
            return r;
        }
    }
}
