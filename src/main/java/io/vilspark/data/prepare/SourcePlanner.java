package io.vilspark.data.prepare;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the top of the input tree on the driver (split folders, class folders, IDX headers) and
 * turns it into a {@link SourcePlan}; every layout problem is reported here, before any work.
 * Class indices follow torchvision's ImageFolder: sorted class-folder names.
 */
final class SourcePlanner {
    private static final Pattern IDX_NAME = Pattern.compile("(.*?)(train|t10k)-(images|labels)-idx([13])-ubyte(\\.gz)?");
    private static final Pattern WNID = Pattern.compile("n\\d{8}");
    private static final int NOTE_EXAMPLES = 10;

    private final PrepareSettings settings;
    private final Configuration conf;
    private final FileSystem fs;
    private final Path root;
    private final Map<String, Object> notes = new LinkedHashMap<>();
    private final List<String> ignored = new ArrayList<>();

    private SourcePlanner(PrepareSettings settings, Configuration conf, FileSystem fs, Path root) {
        this.settings = settings;
        this.conf = conf;
        this.fs = fs;
        this.root = root;
    }

    static SourcePlan plan(PrepareSettings settings, Configuration conf) throws IOException {
        Path given = new Path(settings.input());
        FileSystem fs = given.getFileSystem(conf);
        if (!fs.exists(given)) {
            throw new BadSourceException(settings.input() + ": no such folder");
        }
        Path root = fs.makeQualified(given);
        if (!fs.getFileStatus(root).isDirectory()) {
            throw new BadSourceException(settings.input() + ": not a folder; give the folder that holds the class "
                    + "folders or the IDX files");
        }
        return new SourcePlanner(settings, conf, fs, root).plan();
    }

    private SourcePlan plan() throws IOException {
        Entries top = entries(root);
        SourceFormat format = settings.format() != null ? settings.format() : detect(top);
        SourcePlan plan = switch (format) {
            case IDX -> idx(top);
            case IMAGENET, FOLDER -> folders(format, top);
        };
        if (!ignored.isEmpty()) {
            notes.put("ignored_files", ignored.size());
            notes.put("ignored_examples", ignored.subList(0, Math.min(NOTE_EXAMPLES, ignored.size())));
        }
        return plan;
    }

    private SourceFormat detect(Entries top) throws IOException {
        for (FileStatus f : top.files) {
            if (IDX_NAME.matcher(f.getPath().getName()).matches()) {
                return SourceFormat.IDX;
            }
        }
        if (top.dirNames().contains("train")) {
            List<String> classes = entries(new Path(root, "train")).dirNames();
            boolean wnids = !classes.isEmpty() && classes.stream().allMatch(c -> WNID.matcher(c).matches());
            return wnids ? SourceFormat.IMAGENET : SourceFormat.FOLDER;
        }
        if (!top.dirs.isEmpty()) {
            return SourceFormat.FOLDER;
        }
        throw new BadSourceException(settings.input() + ": cannot tell the layout: expected class folders "
                + "(<class>/*.jpg, or train/<class>/ and val/<class>/), ImageNet's train/<wnid>/, or IDX files "
                + "(train-images-idx3-ubyte[.gz]); found " + top.files.size() + " file(s) and no folders");
    }

    private SourcePlan folders(SourceFormat format, Entries top) throws IOException {
        boolean splits = top.dirNames().contains("train");
        if (format == SourceFormat.IMAGENET && !splits) {
            throw new BadSourceException(settings.input() + ": no train/ folder (ImageNet layout: train/<wnid>/*.JPEG)");
        }
        Path classRoot = splits ? new Path(root, "train") : root;
        Entries classEntries = splits ? entries(classRoot) : top;
        List<String> classes = classEntries.dirNames();
        if (classes.isEmpty()) {
            throw new BadSourceException(classRoot + ": no class folders (expected "
                    + (splits ? "train/" : "") + "<class>/<image>)");
        }
        ignore(classEntries.files);
        List<ListingTask> tasks = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            String dir = new Path(classRoot, classes.get(label)).toString();
            tasks.add(splits ? new ListingTask.ClassFolder(dir, label, Split.TRAIN, 0, 0)
                    : new ListingTask.ClassFolder(dir, label, null, settings.valFraction(), settings.seed()));
        }
        if (splits) {
            valTasks(format, top, classes, tasks);
            for (FileStatus d : top.dirs) {
                String name = d.getPath().getName();
                if (!name.equals("train") && !name.equals("val")) {
                    ignored.add(name + "/");
                }
            }
        } else {
            notes.put("val_fraction", settings.valFraction());
            notes.put("seed", settings.seed());
        }
        return new SourcePlan(format, root.toString(), classes, tasks, notes);
    }

    private void valTasks(SourceFormat format, Entries top, List<String> classes, List<ListingTask> tasks)
            throws IOException {
        if (!top.dirNames().contains("val")) {
            notes.put("val", "none (no val/ folder)");
            return;
        }
        Path valDir = new Path(root, "val");
        Entries val = entries(valDir);
        if (!val.dirs.isEmpty()) {
            for (String name : val.dirNames()) {
                int label = classes.indexOf(name);
                if (label < 0) {
                    throw new BadSourceException(new Path(valDir, name) + ": class folder not in train/ (val classes "
                            + "must be train classes)");
                }
                tasks.add(new ListingTask.ClassFolder(new Path(valDir, name).toString(), label, Split.VAL, 0, 0));
            }
            ignore(val.files);
            return;
        }
        if (val.files.isEmpty()) {
            notes.put("val", "none (val/ is empty)");
            return;
        }
        if (format != SourceFormat.IMAGENET) {
            throw new BadSourceException(valDir + ": images without class folders; put them in val/<class>/ "
                    + "(or use --format imagenet with a ground-truth file)");
        }
        String truth = settings.valLabels() != null ? settings.valLabels() : findGroundTruth();
        if (truth == null) {
            throw new BadSourceException(valDir + ": flat ImageNet val/ needs its labels: give --val-labels "
                    + ValGroundTruth.KAGGLE_FILE + " or " + ValGroundTruth.DEVKIT_FILE + " (with --devkit-classes)");
        }
        notes.put("val_labels", truth);
        tasks.add(new ListingTask.FlatFolder(valDir.toString(), Split.VAL,
                ValGroundTruth.read(truth, classes, settings.devkitClasses(), conf)));
    }

    /** A ground-truth file in the input root or its parent (Kaggle puts the CSV beside ILSVRC/). */
    private String findGroundTruth() throws IOException {
        for (Path dir : new Path[] {root, root.getParent()}) {
            if (dir == null) {
                continue;
            }
            Path kaggle = new Path(dir, ValGroundTruth.KAGGLE_FILE);
            if (fs.exists(kaggle)) {
                return kaggle.toString();
            }
            Path devkit = new Path(dir, ValGroundTruth.DEVKIT_FILE);
            if (fs.exists(devkit) && settings.devkitClasses() != null) {
                return devkit.toString();
            }
        }
        return null;
    }

    private SourcePlan idx(Entries top) throws IOException {
        // split -> kind (images/labels) -> file; one pair per split
        Map<Split, Map<String, FileStatus>> found = new TreeMap<>();
        for (FileStatus f : top.files) {
            Matcher m = IDX_NAME.matcher(f.getPath().getName());
            if (!m.matches()) {
                ignore(List.of(f));
                continue;
            }
            Split split = m.group(2).equals("train") ? Split.TRAIN : Split.VAL;
            FileStatus previous = found.computeIfAbsent(split, s -> new TreeMap<>()).put(m.group(3), f);
            if (previous != null) {
                throw new BadSourceException(settings.input() + ": two IDX " + m.group(3) + " files for the "
                        + split.dir() + " split: " + previous.getPath().getName() + " and " + f.getPath().getName());
            }
        }
        List<ListingTask> tasks = new ArrayList<>();
        for (Map.Entry<Split, Map<String, FileStatus>> e : found.entrySet()) {
            FileStatus images = e.getValue().get("images");
            FileStatus labels = e.getValue().get("labels");
            if (images == null) {
                throw new BadSourceException(labels.getPath() + ": labels without an images file");
            }
            IdxHeader ih = IdxHeader.read(images.getPath().toString(), conf);
            if (ih.dims().length != 3) {
                throw new BadSourceException(images.getPath() + ": IDX images need 3 dimensions [N, rows, cols], found "
                        + ih);
            }
            if (ih.dims()[1] == 0 || ih.dims()[2] == 0) {
                throw new BadSourceException(images.getPath() + ": IDX images of " + ih.dims()[1] + "x" + ih.dims()[2]
                        + " pixels hold no pixels");
            }
            if ((long) ih.dims()[1] * ih.dims()[2] > settings.maxPixels()) {
                throw new BadSourceException(images.getPath() + ": IDX images of " + ih.dims()[1] + "x" + ih.dims()[2]
                        + " pixels, more than max_pixels " + settings.maxPixels());
            }
            if (labels != null) {
                IdxHeader lh = IdxHeader.read(labels.getPath().toString(), conf);
                if (lh.dims().length != 1 || lh.count() != ih.count()) {
                    throw new BadSourceException(labels.getPath() + ": " + lh + " labels do not fit " + ih + " images in "
                            + images.getPath().getName());
                }
            }
            tasks.add(new ListingTask.IdxPair(images.getPath().toString(),
                    labels == null ? null : labels.getPath().toString(), e.getKey()));
            notes.put(e.getKey().dir() + "_files", labels == null ? List.of(images.getPath().getName())
                    : List.of(images.getPath().getName(), labels.getPath().getName()));
        }
        if (tasks.isEmpty()) {
            throw new BadSourceException(settings.input() + ": no IDX files (expected train-images-idx3-ubyte[.gz] "
                    + "and/or t10k-images-idx3-ubyte[.gz])");
        }
        List<String> classes = settings.classNames().isEmpty() ? null : settings.classNames();
        return new SourcePlan(SourceFormat.IDX, root.toString(), classes, tasks, notes);
    }

    private void ignore(List<FileStatus> files) {
        for (FileStatus f : files) {
            ignored.add(relative(f.getPath()));
        }
    }

    /** Path below the input root, as keys and messages show it. */
    private String relative(Path p) {
        String base = root.toUri().getPath();
        String s = p.toUri().getPath();
        return s.length() > base.length() ? s.substring(base.length() + 1) : "";
    }

    /** Visible (not dot-named) entries of a folder, sorted by name. */
    private Entries entries(Path dir) throws IOException {
        List<FileStatus> dirs = new ArrayList<>();
        List<FileStatus> files = new ArrayList<>();
        FileStatus[] all = fs.listStatus(dir);
        java.util.Arrays.sort(all, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        for (FileStatus s : all) {
            if (s.getPath().getName().startsWith(".")) {
                continue;
            }
            (s.isDirectory() ? dirs : files).add(s);
        }
        return new Entries(dirs, files);
    }

    private record Entries(List<FileStatus> dirs, List<FileStatus> files) {
        List<String> dirNames() {
            return dirs.stream().map(d -> d.getPath().getName()).toList();
        }
    }
}
