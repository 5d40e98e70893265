package io.vilspark.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vilspark.data.BadDataException;
import io.vilspark.fs.StorageWriteException;
import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Training checkpoints in {@code <out>/checkpoints/epoch-NNNN.zip}: model, updater state and the
 * training state (in the model file's provenance). Each is written to a temporary name and renamed,
 * so a file with a checkpoint's name is complete, then its SHA-256 is recorded beside it
 * ({@link CheckpointChecksum}); one damaged later (truncated, corrupted) is reported and skipped on resume.
 */
public final class CheckpointStore {
    /** Provenance keys of a checkpoint. */
    public static final String EPOCH = "epoch";
    public static final String STEP = "step";
    private static final Pattern NAME = Pattern.compile("epoch-(\\d{4,})\\.zip");

    private final String dir;
    private final Configuration hadoop;

    public CheckpointStore(String outRoot, Configuration hadoop) {
        this.dir = new Path(outRoot, "checkpoints").toString();
        this.hadoop = hadoop;
    }

    /** A checkpoint read back: the model with its updater state, and the epoch it completed. */
    public record Checkpoint(ViLModel model, ModelMetadata metadata, int epoch, long step, String file) {
    }

    public String write(ViLModel model, ModelMetadata metadata, int epoch) throws IOException {
        String file = new Path(dir, String.format("epoch-%04d.zip", epoch)).toString();
        ModelFile.write(file, model, metadata, true, hadoop);
        CheckpointChecksum.record(file, hadoop);
        return file;
    }

    /**
     * Fails now, with a {@link io.vilspark.registry.StorageWriteException} naming the folder, when checkpoints
     * cannot be written there (permission denied, no space), rather than after the first epoch's training.
     */
    public void checkWritable() throws IOException {
        Path probe = new Path(dir, "._write-probe-" + UUID.randomUUID());
        try {
            FileSystem fs = probe.getFileSystem(hadoop);
            fs.mkdirs(probe.getParent());
            fs.create(probe, false).close(); // empty: no block to allocate, only the rights are checked
            fs.delete(probe, false);
        } catch (IOException e) {
            throw StorageWriteException.of(dir, e).orElseThrow(() -> e);
        }
    }

    /** The folder of the checkpoints. */
    public String folder() {
        return dir;
    }

    /** Checkpoint files, newest epoch first. */
    public List<String> files() throws IOException {
        Path path = new Path(dir);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(path)) {
            if (NAME.matcher(s.getPath().getName()).matches()) {
                out.add(s.getPath().toString());
            }
        }
        out.sort(Comparator.comparing((String f) -> epochOf(f)).reversed());
        return out;
    }

    /**
     * The newest checkpoint that reads back completely; damaged newer ones are reported through
     * {@code warn} and skipped, so a resume falls back to the previous good one.
     */
    public Optional<Checkpoint> newestReadable(java.util.function.Consumer<String> warn) throws IOException {
        for (String file : files()) {
            try {
                Optional<String> damage = CheckpointChecksum.problem(file, hadoop);
                if (damage.isPresent()) {
                    warn.accept("skipping damaged checkpoint " + file + ": " + damage.get());
                    continue;
                }
                ModelFile.Loaded loaded = ModelFile.read(file, true, hadoop);
                Object epoch = loaded.metadata().provenance().get(EPOCH);
                Object step = loaded.metadata().provenance().get(STEP);
                if (!(epoch instanceof Number e) || !(step instanceof Number s)) {
                    throw new BadDataException(file + ": not a training checkpoint (no epoch/step)");
                }
                return Optional.of(new Checkpoint(loaded.model(), loaded.metadata(), e.intValue(), s.longValue(), file));
            } catch (IOException | RuntimeException e) {
                warn.accept("skipping damaged checkpoint " + file + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private static int epochOf(String file) {
        Matcher m = NAME.matcher(new Path(file).getName());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
