package io.vilspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Several prepared datasets read as one, without copying a shard: a folder holding a
 * {@code _manifest.json} (the members' geometry and classes, rows summed, the given normalisation)
 * and {@value #FILE_NAME} naming the member roots. The shard reader reads {@code <member>/<split>}
 * of every member ({@link io.vilspark.data.read.ShardDatasets#rows}); anything that takes a dataset
 * root (training, evaluation) takes a union root. Used by {@code vil retrain} for "old + new
 * partitions".
 */
public final class DatasetUnion {
    public static final String FILE_NAME = "_union.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetUnion() {
    }

    /**
     * Writes the union of {@code members} at {@code root}, manifest last.
     *
     * @param mean null: the members' train means weighted by their train rows (and likewise std)
     */
    public static void write(String root, List<String> members, List<Double> mean, List<Double> std,
                             Configuration hadoop) throws IOException {
        if (members.isEmpty()) {
            throw new BadDataException(root + ": a dataset union needs at least one member");
        }
        List<DatasetManifest> manifests = new ArrayList<>();
        for (String m : members) {
            manifests.add(DatasetManifest.read(m, hadoop));
        }
        DatasetManifest first = manifests.get(0);
        Map<String, Long> rows = new LinkedHashMap<>();
        double[] sumMean = new double[first.channels()];
        double[] sumStd = new double[first.channels()];
        long weight = 0;
        for (int i = 0; i < manifests.size(); i++) {
            DatasetManifest m = manifests.get(i);
            if (!m.classes().equals(first.classes()) || m.height() != first.height() || m.width() != first.width()
                    || m.patch() != first.patch() || m.channels() != first.channels()) {
                throw new BadDataException(members.get(i) + ": does not match " + members.get(0) + " (classes, size, patch "
                        + "or channels differ): partitions of one dataset must be prepared alike");
            }
            m.rows().forEach((split, n) -> rows.merge(split, n, Long::sum));
            long w = Math.max(1, m.rows().getOrDefault("train", 0L));
            for (int c = 0; c < sumMean.length; c++) {
                sumMean[c] += w * m.mean().get(c);
                sumStd[c] += w * m.std().get(c);
            }
            weight += w;
        }
        List<Double> meanOut = mean;
        List<Double> stdOut = std;
        if (meanOut == null) {
            meanOut = new ArrayList<>();
            stdOut = new ArrayList<>();
            for (int c = 0; c < sumMean.length; c++) {
                meanOut.add(sumMean[c] / weight);
                stdOut.add(sumStd[c] / weight);
            }
        }
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("union_of", members);
        byte[] union = JSON.writeValueAsBytes(Map.of("members", members));
        AtomicHadoopWrite.writeEditable(new Path(root, FILE_NAME).toString(), hadoop, out -> out.write(union));
        new DatasetManifest(DatasetManifest.FORMAT_VERSION, first.classes(), first.height(), first.width(), first.patch(),
                first.channels(), meanOut, stdOut, rows, Map.of(), Map.of(), source).write(root, hadoop);
    }

    /** The member roots when {@code root} is a union, else empty. */
    @SuppressWarnings("unchecked")
    public static List<String> members(String root, Configuration hadoop) throws IOException {
        Path file = new Path(root, FILE_NAME);
        FileSystem fs = file.getFileSystem(hadoop);
        if (!fs.exists(file)) {
            return List.of();
        }
        try (InputStream in = fs.open(file)) {
            Map<String, Object> m = JSON.readValue(in, Map.class);
            return List.copyOf((List<String>) m.get("members"));
        }
    }
}
