package io.vilspark.features;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.vilspark.data.DatasetManifest;
import io.vilspark.data.read.ParquetRecordIterator;
import io.vilspark.data.read.ParquetShardFiles;
import io.vilspark.data.read.ShardDataException;
import io.vilspark.data.read.ShardFooters;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;

/**
 * Prepared shards as extract input. The input is a dataset root (its {@code _manifest.json} beside
 * the split folders) or one split folder of it. Every shard file is one partition and becomes one
 * output file of the same name in the same split folder, so the output is partitioned exactly like
 * the input and a partition's identity does not change between runs.
 */
final class ShardInput {
    /** One shard file and the output file it becomes. */
    record Task(String input, String output, String name) implements Serializable {
    }

    /**
     * @param rows rows of all the shard files (from their footers)
     */
    record Plan(DatasetManifest manifest, List<Task> tasks, long rows) {
    }

    private ShardInput() {
    }

    /** True when {@code input} is a prepared dataset or one of its split folders. */
    static boolean isShards(String input, Configuration conf) throws IOException {
        Path p = new Path(input);
        FileSystem fs = p.getFileSystem(conf);
        return fs.exists(new Path(p, DatasetManifest.FILE_NAME))
                || (p.getParent() != null && fs.exists(new Path(p.getParent(), DatasetManifest.FILE_NAME)));
    }

    static Plan plan(String input, List<String> splits, String out, Configuration conf) throws IOException {
        Path in = new Path(input);
        FileSystem fs = in.getFileSystem(conf);
        List<Task> tasks = new ArrayList<>();
        DatasetManifest manifest;
        if (fs.exists(new Path(in, DatasetManifest.FILE_NAME))) {
            manifest = DatasetManifest.read(input, conf);
            List<String> chosen = splits.isEmpty() ? splitFolders(fs, in) : splits;
            if (chosen.isEmpty()) {
                throw new ShardDataException(input + ": a dataset without split folders");
            }
            for (String split : chosen) {
                addFolder(tasks, new Path(in, split), new Path(out, split), split + "/", conf);
            }
        } else {
            manifest = DatasetManifest.read(in.getParent().toString(), conf);
            if (!splits.isEmpty()) {
                throw new ShardDataException(input + ": a split folder; extract.splits only applies to a dataset root");
            }
            addFolder(tasks, in, new Path(out), "", conf);
        }
        long rows = 0;
        for (Task t : tasks) {
            rows += ShardFooters.rowCount(new Path(t.input()), conf);
        }
        return new Plan(manifest, tasks, rows);
    }

    /** The split folders of a dataset root: visible folders, by name. */
    private static List<String> splitFolders(FileSystem fs, Path root) throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus s : fs.listStatus(root)) {
            String name = s.getPath().getName();
            if (s.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
                names.add(name);
            }
        }
        names.sort(String::compareTo);
        return names;
    }

    private static void addFolder(List<Task> tasks, Path folder, Path outFolder, String prefix, Configuration conf)
            throws IOException {
        for (Path file : ParquetShardFiles.list(folder.toString(), conf)) {
            String name = file.getName().endsWith(".parquet") ? file.getName() : file.getName() + ".parquet";
            tasks.add(new Task(file.toString(), new Path(outFolder, name).toString(), prefix + name));
        }
    }


    /** The executor side: each partition's shard file(s) through the extractor. */
    static final class Partitions implements FlatMapFunction<Iterator<Task>, PartitionStats> {
        private static final long serialVersionUID = 1L;
        private final PartitionExtractor extractor;
        private final LongAccumulator inputsDone;

        Partitions(PartitionExtractor extractor, LongAccumulator inputsDone) {
            this.extractor = extractor;
            this.inputsDone = inputsDone;
        }

        @Override
        public Iterator<PartitionStats> call(Iterator<Task> tasks) throws IOException {
            List<PartitionStats> out = new ArrayList<>();
            while (tasks.hasNext()) {
                Task t = tasks.next();
                PartitionStats done = extractor.completed(t.output());
                if (done != null) {
                    out.add(done);
                    continue;
                }
                try (ParquetRecordIterator records = new ParquetRecordIterator(List.of(new Path(t.input())),
                        extractor.conf())) {
                    out.add(extractor.extract(t.output(), t.name(), 0, new CountingIterator<>(records, inputsDone),
                            new PartitionStats.Skips(0)));
                }
            }
            return out.iterator();
        }
    }
}
