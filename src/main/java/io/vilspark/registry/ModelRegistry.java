package io.vilspark.registry;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilspark.fs.AtomicHadoopWrite;
import io.vilspark.fs.StorageWriteException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

/**
 * A model registry on any Hadoop path:
 * <pre>
 * ROOT/versions/v0001/model.zip       the model
 * ROOT/versions/v0001/version.json    {@link ModelVersion}, written last: a version exists once this file does
 * ROOT/champion/pointer-0000000001.json  the champion pointer log ({@link ChampionPointer}); highest number wins
 * ROOT/decisions/RUN.json             retrain decisions (written by {@code vil retrain})
 * ROOT/runs/RUN/                      retrain working folders
 * </pre>
 *
 * <p>Why a pointer log and not one pointer file replaced in place: HDFS's {@code rename} does not replace an
 * existing file (it fails), and delete-then-rename leaves a moment with no champion at all. Each change of
 * champion is therefore a new file with the next number, written under a hidden temporary name and renamed
 * to its final name; a rename to a name that does not exist yet is atomic on HDFS and on local disks, and on
 * HDFS it fails if a concurrent writer took that number first, so two writers cannot both win (the loser gets
 * an error). A reader lists the folder and takes the highest-numbered entry, which is always complete. The
 * log doubles as the champion's history ({@code vil registry show}, rollback). On object stores (S3A) rename
 * is a copy: the temporary name keeps a half-copied entry from being read, but two concurrent writers are
 * only kept apart by the retrain lock.
 */
public final class ModelRegistry {
    public static final String VERSION_FILE = "version.json";
    public static final String MODEL_FILE = "model.zip";
    private static final Pattern VERSION = Pattern.compile("v(\\d{4,})");
    private static final Pattern POINTER = Pattern.compile("pointer-(\\d{10})\\.json");
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The folders a registry is made of; a folder holding none of them is not one. */
    private static final List<String> REGISTRY_FOLDERS = List.of("versions", "champion", "runs", "decisions");

    private final String root;
    private final Configuration hadoop;
    private final FileSystem fs;

    public ModelRegistry(String root, Configuration hadoop) throws IOException {
        this.root = root;
        this.hadoop = hadoop;
        this.fs = new Path(root).getFileSystem(hadoop);
    }

    /**
     * A registry that must already be there (to read or to change, not to fill): {@code root} is a folder that is
     * empty or holds a registry's folders. A path with a typo, or a folder of something else, fails naming it
     * instead of showing an empty registry.
     */
    public static ModelRegistry existing(String root, Configuration hadoop) throws IOException {
        ModelRegistry r = new ModelRegistry(root, hadoop);
        Path dir = new Path(root);
        if (!r.fs.exists(dir)) {
            throw new RegistryException(root + ": no such registry folder");
        }
        if (!r.fs.getFileStatus(dir).isDirectory()) {
            throw new RegistryException(root + ": not a model registry (a file, not a folder)");
        }
        FileStatus[] entries = r.fs.listStatus(dir);
        boolean ours = entries.length == 0;
        for (FileStatus e : entries) {
            ours |= e.isDirectory() && REGISTRY_FOLDERS.contains(e.getPath().getName());
        }
        if (!ours) {
            throw new RegistryException(root + ": not a model registry (none of " + String.join(", ", REGISTRY_FOLDERS)
                    + " in it)");
        }
        return r;
    }

    public String root() {
        return root;
    }

    public Configuration hadoop() {
        return hadoop;
    }

    public String versionFolder(String id) {
        return new Path(new Path(root, "versions"), id).toString();
    }

    public String modelPath(String id) {
        return new Path(versionFolder(id), MODEL_FILE).toString();
    }

    /** Complete versions in creation order (unfinished version folders are skipped). */
    public List<ModelVersion> versions() throws IOException {
        List<ModelVersion> out = new ArrayList<>();
        for (String id : versionFolders()) {
            Optional<ModelVersion> v = version(id);
            v.ifPresent(out::add);
        }
        return out;
    }

    public Optional<ModelVersion> version(String id) throws IOException {
        Path file = new Path(versionFolder(id), VERSION_FILE);
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = fs.open(file)) {
            return Optional.of(JSON.readValue(in, ModelVersion.class));
        }
    }

    /** The version or a clear error. */
    public ModelVersion require(String id) throws IOException {
        Optional<ModelVersion> v = version(id);
        if (v.isEmpty()) {
            throw new RegistryException(root + ": no version '" + id + "' (versions: " + String.join(", ", idsOf()) + ")");
        }
        return v.get();
    }

    private List<String> idsOf() throws IOException {
        List<String> ids = new ArrayList<>();
        for (ModelVersion v : versions()) {
            ids.add(v.id());
        }
        return ids;
    }

    /**
     * The next free version id: one above every version folder, finished or not, so an unfinished
     * run's folder is never reused by another run. Callers hold the retrain lock (or are alone).
     */
    public String nextVersionId() throws IOException {
        int max = 0;
        for (String id : versionFolders()) {
            Matcher m = VERSION.matcher(id);
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return String.format("v%04d", max + 1);
    }

    private List<String> versionFolders() throws IOException {
        Path dir = new Path(root, "versions");
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory() && VERSION.matcher(s.getPath().getName()).matches()) {
                ids.add(s.getPath().getName());
            }
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /**
     * Adds a version: copies {@code modelFile} into its folder (temporary name, rename), then writes its
     * record. A rerun of the same registration (same id, a crash in between) redoes what is missing.
     */
    public ModelVersion register(ModelVersion v, String modelFile) throws IOException {
        if (version(v.id()).isPresent()) {
            throw new RegistryException(root + ": version " + v.id() + " already exists");
        }
        Path target = new Path(modelPath(v.id()));
        if (!fs.exists(target)) {
            Path src = new Path(modelFile);
            Path tmp = new Path(target.getParent(), "._tmp-" + MODEL_FILE + "-" + UUID.randomUUID());
            if (!FileUtil.copy(src.getFileSystem(hadoop), src, fs, tmp, false, hadoop)) {
                throw new IOException("cannot copy " + src + " to " + tmp);
            }
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, false);
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        }
        byte[] bytes = JSON.writeValueAsBytes(v);
        AtomicHadoopWrite.writeEditable(new Path(versionFolder(v.id()), VERSION_FILE).toString(), hadoop, out -> out.write(bytes));
        return v;
    }

    /** The pointer log, oldest first. */
    public List<ChampionPointer> championHistory() throws IOException {
        Path dir = new Path(root, "champion");
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (POINTER.matcher(s.getPath().getName()).matches()) {
                files.add(s.getPath());
            }
        }
        files.sort(Comparator.comparing(Path::getName));
        List<ChampionPointer> out = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = fs.open(f)) {
                out.add(JSON.readValue(in, ChampionPointer.class));
            }
        }
        return out;
    }

    /** The current champion's pointer entry, if any version was ever promoted. */
    public Optional<ChampionPointer> champion() throws IOException {
        List<ChampionPointer> h = championHistory();
        return h.isEmpty() ? Optional.empty() : Optional.of(h.get(h.size() - 1));
    }

    /** Makes {@code id} the champion (it must be a complete version). */
    public ChampionPointer promote(String id, String reason, String runId) throws IOException {
        require(id);
        Optional<ChampionPointer> current = champion();
        if (current.isPresent() && current.get().version().equals(id)) {
            throw new RegistryException(id + " is already the champion");
        }
        return append(id, current.map(ChampionPointer::version).orElse(null), "promote", reason, runId,
                current.map(ChampionPointer::seq).orElse(0L) + 1);
    }

    /**
     * Makes the previous champion the champion again: the version the current one replaced when it was
     * promoted. Repeated rollbacks walk further back (v3 -> v2 -> v1), never forth.
     */
    public ChampionPointer rollback(String reason) throws IOException {
        List<ChampionPointer> h = championHistory();
        if (h.isEmpty()) {
            throw new RegistryException(root + ": no champion to roll back");
        }
        ChampionPointer current = h.get(h.size() - 1);
        String target = current.previous();
        if (target == null) {
            throw new RegistryException(root + ": " + current.version() + " has no earlier champion to roll back to");
        }
        require(target);
        // what a further rollback returns to: whatever the target replaced when it was promoted
        String beforeTarget = null;
        for (int i = h.size() - 1; i >= 0; i--) {
            ChampionPointer p = h.get(i);
            if (p.version().equals(target) && "promote".equals(p.action())) {
                beforeTarget = p.previous();
                break;
            }
        }
        return append(target, beforeTarget, "rollback", reason, null, current.seq() + 1);
    }

    private ChampionPointer append(String version, String previous, String action, String reason, String runId,
                                   long seq) throws IOException {
        ChampionPointer p = new ChampionPointer(seq, version, previous, action, reason, runId, Instant.now().toString());
        Path dir = new Path(root, "champion");
        Path target = new Path(dir, String.format("pointer-%010d.json", seq));
        Path tmp = new Path(dir, "._tmp-" + target.getName() + "-" + UUID.randomUUID());
        try {
            fs.mkdirs(dir);
            try (var out = fs.create(tmp, false)) {
                out.write(JSON.writeValueAsBytes(p));
            }
        } catch (IOException e) {
            throw StorageWriteException.of(target.toString(), e).orElseThrow(() -> e);
        }
        // never replace an entry: on HDFS rename fails when the target exists; the check covers local disks
        if (fs.exists(target) || !fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new RegistryException(root + ": champion pointer " + seq + " was written by someone else "
                    + "meanwhile; nothing changed, retry");
        }
        return p;
    }
}
