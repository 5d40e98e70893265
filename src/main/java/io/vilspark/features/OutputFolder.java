package io.vilspark.features;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilspark.data.BadDataException;
import io.vilspark.data.prepare.BadSourceException;
import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The output folder of an extraction and what makes a rerun safe: {@code _extract_plan.json}
 * records what the files are made of (input, its partitioning, model file version, columns,
 * preprocessing). A rerun with the same plan resumes (complete files stay, the rest is redone); a
 * different plan is refused unless {@code overwrite}, so files of two different extractions never
 * mix. A folder without a plan file is never deleted, with or without {@code overwrite}: it may hold
 * anything. Leftover temporary files of a crashed run are removed before the work starts.
 */
final class OutputFolder {
    static final String PLAN = "_extract_plan.json";
    static final String SUMMARY = "_summary.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final FileSystem fs;
    private final Path root;
    private final boolean resumed;

    private OutputFolder(FileSystem fs, Path root, boolean resumed) {
        this.fs = fs;
        this.root = root;
        this.resumed = resumed;
    }

    /**
     * Opens {@code out} for the extraction described by {@code plan}: creates it, resumes it, or
     * (with {@code overwrite}) replaces an earlier extraction of another plan; refuses a folder that
     * holds anything else, and leaves it untouched.
     */
    static OutputFolder open(String out, Map<String, Object> plan, boolean overwrite, Configuration conf)
            throws IOException {
        Path given = new Path(out);
        FileSystem fs = given.getFileSystem(conf);
        Path root = fs.makeQualified(given);
        boolean resumed = false;
        if (fs.exists(root)) {
            Path planFile = new Path(root, PLAN);
            if (fs.getFileStatus(root).isFile()) {
                throw new BadSourceException(out + ": is a file, not an extract output folder; choose another --out");
            }
            if (fs.exists(planFile)) {
                // compared as read back from JSON text, so an int and a long of one value agree
                List<String> differences = differences(read(fs, planFile), JSON.readTree(JSON.writeValueAsBytes(plan)));
                if (differences.isEmpty()) {
                    resumed = true;
                } else if (!overwrite) {
                    throw new BadSourceException(out + ": holds an extraction of another plan ("
                            + String.join(", ", differences) + " differ); choose another --out or give --overwrite "
                            + "to replace that extraction");
                } else if (!fs.delete(root, true)) {
                    throw new IOException("cannot delete " + root + " to overwrite it");
                }
            } else if (fs.listStatus(root).length > 0) {
                // --overwrite replaces earlier extractions only: anything else may be the user's own data
                throw new BadSourceException(out + ": exists and is not an extract output folder (no " + PLAN
                        + "); choose another --out, or empty the folder yourself");
            }
        }
        if (!resumed) {
            fs.mkdirs(root);
            byte[] bytes = JSON.writeValueAsBytes(plan);
            AtomicHadoopWrite.writeEditable(new Path(root, PLAN).toString(), conf, s -> s.write(bytes));
        }
        return new OutputFolder(fs, root, resumed);
    }

    Path root() {
        return root;
    }

    /** True when an earlier run of the same plan is being continued. */
    boolean resumed() {
        return resumed;
    }

    /** Removes every {@code _temporary} folder below the root: leftovers of crashed attempts. */
    void removeTemporaries() throws IOException {
        List<Path> found = new ArrayList<>();
        collectTemporaries(root, found);
        for (Path p : found) {
            fs.delete(p, true);
        }
    }

    private void collectTemporaries(Path dir, List<Path> found) throws IOException {
        RemoteIterator<FileStatus> it = fs.listStatusIterator(dir);
        while (it.hasNext()) {
            FileStatus s = it.next();
            if (!s.isDirectory()) {
                continue;
            }
            if (s.getPath().getName().equals(PartitionFile.TEMPORARY)) {
                found.add(s.getPath());
            } else {
                collectTemporaries(s.getPath(), found);
            }
        }
    }

    void writeSummary(Map<String, Object> summary, Configuration conf) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(summary);
        AtomicHadoopWrite.writeEditable(new Path(root, SUMMARY).toString(), conf, s -> s.write(bytes));
    }

    private static JsonNode read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new BadDataException(file + ": unreadable extract plan: " + e.getOriginalMessage());
        }
    }

    /** Names of the top-level plan entries that differ. */
    private static List<String> differences(JsonNode old, JsonNode now) {
        List<String> out = new ArrayList<>();
        Iterator<String> names = now.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!now.get(n).equals(old.get(n))) {
                out.add(n);
            }
        }
        Iterator<String> oldNames = old.fieldNames();
        while (oldNames.hasNext()) {
            String n = oldNames.next();
            if (!now.has(n)) {
                out.add(n);
            }
        }
        return out;
    }
}
