package io.vilspark.evaluate;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What {@code vil evaluate} leaves in its output folder, each file written atomically, the summary
 * last: {@code confusion.csv} (counts, true class per row), {@code per_class.csv},
 * {@code confusion.png} and {@code summary.json}; and the short table on the console.
 */
public final class EvaluationReport {
    public static final String SUMMARY = "summary.json";
    public static final String CONFUSION_CSV = "confusion.csv";
    public static final String PER_CLASS_CSV = "per_class.csv";
    public static final String CONFUSION_PNG = "confusion.png";
    /** Classes listed on the console before the table is cut to the weakest ones. */
    private static final int CONSOLE_CLASSES = 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EvaluationReport() {
    }

    public static void write(EvaluateJob.Result r, String out, Configuration hadoop) throws IOException {
        EvalTally t = r.tally();
        List<String> names = r.classNames();
        write(out, CONFUSION_CSV, confusionCsv(t, names), hadoop);
        write(out, PER_CLASS_CSV, perClassCsv(t, names), hadoop);
        ConfusionHeatmap.Rendered png = ConfusionHeatmap.render(t, names);
        AtomicHadoopWrite.write(new Path(out, CONFUSION_PNG).toString(), hadoop,
                stream -> ImageIO.write(png.image(), "png", stream));
        write(out, SUMMARY, JSON.writeValueAsString(summary(r)), hadoop);
    }

    private static void write(String out, String name, String text, Configuration hadoop) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        AtomicHadoopWrite.writeEditable(new Path(out, name).toString(), hadoop, stream -> stream.write(bytes));
    }

    static String confusionCsv(EvalTally t, List<String> names) {
        StringBuilder sb = new StringBuilder("true \\ predicted");
        for (String n : names) {
            sb.append(',').append(csv(n));
        }
        sb.append('\n');
        for (int actual = 0; actual < t.classes(); actual++) {
            sb.append(csv(names.get(actual)));
            for (int predicted = 0; predicted < t.classes(); predicted++) {
                sb.append(',').append(t.count(actual, predicted));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String perClassCsv(EvalTally t, List<String> names) {
        StringBuilder sb = new StringBuilder("index,class,images,correct,accuracy\n");
        for (int c = 0; c < t.classes(); c++) {
            double acc = t.classAccuracy(c);
            sb.append(c).append(',').append(csv(names.get(c))).append(',').append(t.support(c)).append(',')
                    .append(t.count(c, c)).append(',').append(Double.isNaN(acc) ? "" : fraction(acc)).append('\n');
        }
        return sb.toString();
    }

    private static Map<String, Object> summary(EvaluateJob.Result r) {
        EvalTally t = r.tally();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", r.model());
        m.put("data", r.data());
        m.put("split", r.split());
        m.put("images", t.rows());
        m.put("unlabelled_skipped", t.unlabelled());
        m.put("loss", t.meanLoss());
        m.put("top1", t.top1());
        m.put("top" + t.topK(), t.topKAccuracy());
        m.put("correct", t.correct());
        m.put("top" + t.topK() + "_hits", t.topKHits());
        List<Map<String, Object>> classes = new ArrayList<>();
        for (int c = 0; c < t.classes(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", c);
            row.put("name", r.classNames().get(c));
            row.put("images", t.support(c));
            row.put("correct", t.count(c, c));
            double acc = t.classAccuracy(c);
            row.put("accuracy", Double.isNaN(acc) ? null : acc);
            classes.add(row);
        }
        m.put("per_class", classes);
        m.put("normalisation", Map.of("mean", r.normalisation().mean(), "std", r.normalisation().std()));
        m.put("batch_size", r.batchSize());
        m.put("threads_per_task", r.threads());
        m.put("seconds", r.seconds());
        m.put("images_per_second", t.rows() / Math.max(r.seconds(), 1e-9));
        m.put("files", List.of(CONFUSION_CSV, PER_CLASS_CSV, CONFUSION_PNG));
        m.put("created", java.time.Instant.now().toString());
        return m;
    }

    /** The console table; its last line is {@code test accuracy: <fraction>} (the demo script ends with it). */
    public static void print(EvaluateJob.Result r, String out, PrintWriter w) {
        EvalTally t = r.tally();
        List<String> names = r.classNames();
        w.printf(Locale.ROOT, "evaluate: %d images of %s (split %s)%s%n", t.rows(), r.data(), r.split(),
                t.unlabelled() > 0 ? ", " + t.unlabelled() + " unlabelled skipped" : "");
        int width = Math.max(5, Math.min(28, names.stream().mapToInt(String::length).max().orElse(5)));
        List<Integer> shown = new ArrayList<>();
        for (int c = 0; c < t.classes(); c++) {
            shown.add(c);
        }
        if (t.classes() > CONSOLE_CLASSES) {
            // a long table helps nobody: the weakest classes are what one looks for (all are in per_class.csv)
            shown.sort(Comparator.comparingDouble((Integer c) -> nanLast(t.classAccuracy(c))).thenComparing(c -> c));
            shown = shown.subList(0, CONSOLE_CLASSES);
            w.printf(Locale.ROOT, "the %d weakest of %d classes:%n", CONSOLE_CLASSES, t.classes());
        }
        w.printf(Locale.ROOT, "%-" + width + "s %8s %9s%n", "class", "images", "accuracy");
        for (int c : shown) {
            double acc = t.classAccuracy(c);
            w.printf(Locale.ROOT, "%-" + width + "s %8d %9s%n", cut(names.get(c), width), t.support(c),
                    Double.isNaN(acc) ? "-" : fraction(acc));
        }
        w.printf(Locale.ROOT, "loss %.4f   top-1 %s   top-%d %s   (%.1f images/s)%n", t.meanLoss(), fraction(t.top1()),
                t.topK(), fraction(t.topKAccuracy()), t.rows() / Math.max(r.seconds(), 1e-9));
        w.println("wrote " + out + ": " + SUMMARY + ", " + CONFUSION_CSV + ", " + PER_CLASS_CSV + ", " + CONFUSION_PNG);
        w.println("test accuracy: " + fraction(t.top1()));
        w.flush();
    }

    private static double nanLast(double v) {
        return Double.isNaN(v) ? Double.MAX_VALUE : v;
    }

    static String fraction(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String cut(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
