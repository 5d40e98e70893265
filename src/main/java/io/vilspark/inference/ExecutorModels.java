package io.vilspark.inference;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelFileException;
import io.vilspark.registry.ModelMetadata;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The models of this JVM (an executor, or the driver in local mode). A model file is read once per
 * JVM and kept; a task borrows a replica for its inference and gives it back for the next task.
 * Replicas exist because a DL4J network is not thread-safe (it keeps its inputs and activations)
 * while an executor runs one task per core: the first replica is the loaded network, more are
 * cloned from it in memory when tasks run at the same time, so there are at most as many as the
 * executor has task slots. A model file rewritten in place (new length or modification time) is
 * read again. At most {@value #KEPT} model files stay cached.
 */
public final class ExecutorModels {
    /** Models kept per JVM; the least recently used goes when a job brings another (tasks holding it finish normally). */
    private static final int KEPT = 2;
    private static final Map<String, Entry> MODELS = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > KEPT;
        }
    };
    private static final AtomicInteger FILE_READS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** A borrowed replica; {@link #close()} gives it back. */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private ViLModel model;

        private Lease(Entry entry, ViLModel model) {
            this.entry = entry;
            this.model = model;
        }

        public ViLModel model() {
            return model;
        }

        public ModelMetadata metadata() {
            return entry.metadata;
        }

        @Override
        public void close() {
            if (model != null) {
                entry.giveBack(model);
                model = null;
            }
        }
    }

    /** A replica of the model for this task's exclusive use; reads the file only if this JVM has not yet. */
    public static Lease borrow(ModelRef ref) throws IOException {
        Entry entry = entry(ref);
        return new Lease(entry, entry.take());
    }

    /** The model file's metadata (loads the model into this JVM's cache, so a local-mode job reads it once). */
    public static ModelMetadata metadata(ModelRef ref) throws IOException {
        return entry(ref).metadata;
    }

    /** How often this JVM has read a model file: the evidence that tasks share one load. */
    public static int fileReads() {
        return FILE_READS.get();
    }

    private static Entry entry(ModelRef ref) throws IOException {
        Path path = new Path(ref.path());
        FileSystem fs = path.getFileSystem(ref.conf());
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new ModelFileException(ref.path() + ": no such model file");
        }
        String version = status.getLen() + "@" + status.getModificationTime();
        String key = fs.makeQualified(path).toString();
        synchronized (MODELS) {
            Entry cached = MODELS.get(key);
            if (cached != null && cached.version.equals(version)) {
                return cached;
            }
            FILE_READS.incrementAndGet();
            ModelFile.Loaded loaded = ModelFile.read(ref.path(), false, ref.conf());
            Entry entry = new Entry(version, loaded);
            MODELS.put(key, entry); // a rewritten file replaces the old version, which is dropped
            return entry;
        }
    }

    /** One loaded model file and its idle replicas. */
    private static final class Entry {
        final String version;
        final ModelMetadata metadata;
        private final ViLModel original;
        private final Deque<ViLModel> idle = new ArrayDeque<>();

        Entry(String version, ModelFile.Loaded loaded) {
            this.version = version;
            this.metadata = loaded.metadata();
            this.original = loaded.model();
            idle.push(original);
        }

        synchronized ViLModel take() {
            ViLModel m = idle.poll();
            // cloning copies the parameters in memory; the file is not read again
            return m != null ? m : new ViLModel(original.config(), original.graph().clone());
        }

        synchronized void giveBack(ViLModel m) {
            idle.push(m);
        }
    }
}
