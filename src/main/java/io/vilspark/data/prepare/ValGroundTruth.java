package io.vilspark.data.prepare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Labels of ImageNet's flat validation folder, as distributed: Kaggle's
 * {@code LOC_val_solution.csv} ({@code ImageId,PredictionString}; the first wnid is the class) or
 * the devkit's {@code ILSVRC2012_validation_ground_truth.txt} (line i: the ILSVRC2012_ID of
 * {@code ILSVRC2012_val_0000000i}), which needs the devkit's class order to become a wnid.
 * Labels are indices into the sorted class folders of train/.
 */
final class ValGroundTruth {
    static final String KAGGLE_FILE = "LOC_val_solution.csv";
    static final String DEVKIT_FILE = "ILSVRC2012_validation_ground_truth.txt";

    private ValGroundTruth() {
    }

    /** File name without its last extension: the name the ground-truth files use. */
    static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** Label by file stem; errors name the file and line. */
    static Map<String, Integer> read(String file, List<String> classes, String devkitClasses, Configuration conf)
            throws IOException {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        List<String> lines = lines(file, conf);
        if (new Path(file).getName().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return fromKaggleCsv(file, lines, index);
        }
        if (devkitClasses == null) {
            throw new BadSourceException(file + ": devkit ground truth gives ILSVRC2012_IDs; also give --devkit-classes "
                    + "(a text file with the wnids in ILSVRC2012_ID order, one per line)");
        }
        return fromDevkit(file, lines, devkitOrder(devkitClasses, conf), index);
    }

    private static Map<String, Integer> fromKaggleCsv(String file, List<String> lines, Map<String, Integer> index)
            throws BadSourceException {
        Map<String, Integer> out = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || (n == 0 && line.startsWith("ImageId"))) {
                continue;
            }
            String[] parts = line.split(",", 2);
            String[] prediction = parts.length == 2 ? parts[1].strip().split("\\s+") : new String[0];
            if (prediction.length == 0 || prediction[0].isEmpty()) {
                throw new BadSourceException(file + ":" + (n + 1) + ": expected 'ImageId,wnid ...', got '" + line + "'");
            }
            out.put(parts[0].strip(), labelOf(prediction[0], index, file, n + 1));
        }
        return out;
    }

    private static Map<String, Integer> fromDevkit(String file, List<String> lines, List<String> order,
                                                   Map<String, Integer> index) throws BadSourceException {
        Map<String, Integer> out = new HashMap<>();
        int image = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) {
                continue;
            }
            image++;
            int id;
            try {
                id = Integer.parseInt(line);
            } catch (NumberFormatException e) {
                throw new BadSourceException(file + ":" + (n + 1) + ": expected an ILSVRC2012_ID, got '" + line + "'");
            }
            if (id < 1 || id > order.size()) {
                throw new BadSourceException(file + ":" + (n + 1) + ": ILSVRC2012_ID " + id + " outside 1.."
                        + order.size() + " of the devkit class list");
            }
            out.put(String.format("ILSVRC2012_val_%08d", image), labelOf(order.get(id - 1), index, file, n + 1));
        }
        return out;
    }

    private static int labelOf(String wnid, Map<String, Integer> index, String file, int line)
            throws BadSourceException {
        Integer label = index.get(wnid);
        if (label == null) {
            throw new BadSourceException(file + ":" + line + ": class '" + wnid + "' has no folder in train/");
        }
        return label;
    }

    /** The devkit's class order: the first word of each non-empty line. */
    private static List<String> devkitOrder(String file, Configuration conf) throws IOException {
        List<String> order = new ArrayList<>();
        for (String line : lines(file, conf)) {
            String s = line.strip();
            if (!s.isEmpty()) {
                order.add(s.split("\\s+", 2)[0]);
            }
        }
        if (order.isEmpty()) {
            throw new BadSourceException(file + ": empty devkit class list");
        }
        return order;
    }

    private static List<String> lines(String file, Configuration conf) throws IOException {
        Path p = new Path(file);
        if (!p.getFileSystem(conf).exists(p)) {
            throw new BadSourceException(file + ": no such file");
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getFileSystem(conf).open(p),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
