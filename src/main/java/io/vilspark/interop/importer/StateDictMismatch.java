package io.vilspark.interop.importer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says briefly why a state_dict does not fit a model: a few names of each kind of problem plus
 * counts (a wrong config gives hundreds of mismatches), and what architecture the checkpoint
 * itself looks like, which is usually the fix.
 */
public final class StateDictMismatch {
    private static final int SHOWN = 3;
    private static final Pattern BLOCK = Pattern.compile("^blocks\\.(\\d+)\\.");

    private StateDictMismatch() {
    }

    /** @return empty when keys and shapes agree */
    public static Optional<String> describe(Map<String, long[]> model, Map<String, long[]> checkpoint) {
        TreeSet<String> missing = new TreeSet<>(model.keySet());
        missing.removeAll(checkpoint.keySet());
        TreeSet<String> unexpected = new TreeSet<>(checkpoint.keySet());
        unexpected.removeAll(model.keySet());
        List<String> shapes = new ArrayList<>();
        model.forEach((name, want) -> {
            long[] got = checkpoint.get(name);
            if (got != null && !Arrays.equals(want, got)) {
                shapes.add(name + " " + Arrays.toString(got) + " vs model " + Arrays.toString(want));
            }
        });
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " missing key(s) " + firstFew(new ArrayList<>(missing)));
        }
        if (!unexpected.isEmpty()) {
            problems.add(unexpected.size() + " unexpected key(s) " + firstFew(new ArrayList<>(unexpected)));
        }
        if (!shapes.isEmpty()) {
            problems.add(shapes.size() + " shape mismatch(es) " + firstFew(shapes));
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        String text = String.join("; ", problems);
        return Optional.of(architectureOf(checkpoint).map(a -> text + "; the checkpoint looks like " + a).orElse(text));
    }

    private static String firstFew(List<String> items) {
        List<String> shown = items.subList(0, Math.min(SHOWN, items.size()));
        return "[" + String.join(", ", shown) + (items.size() > SHOWN ? ", ..." : "") + "]";
    }

    /** dim, patch, input shape, depth and classes read off the tensor shapes, when the usual names are there. */
    public static Optional<String> architectureOf(Map<String, long[]> checkpoint) {
        long[] patch = checkpoint.get("patch_embed.proj.weight");   // [dim, C, P, P]
        long[] pos = checkpoint.get("pos_embed.embed");              // [1, gridH, gridW, dim]
        long[] head = checkpoint.get("head.weight");                 // [classes, F]
        if (patch == null || patch.length != 4 || pos == null || pos.length != 4) {
            return Optional.empty();
        }
        int blocks = -1;
        for (String name : checkpoint.keySet()) {
            Matcher m = BLOCK.matcher(name);
            if (m.find()) {
                blocks = Math.max(blocks, Integer.parseInt(m.group(1)));
            }
        }
        StringBuilder sb = new StringBuilder("dim=").append(patch[0])
                .append(" depth=").append(blocks + 1)
                .append(" patch_size=").append(patch[2])
                .append(" input_shape=[").append(patch[1]).append(", ").append(pos[1] * patch[2]).append(", ")
                .append(pos[2] * patch[3]).append("]");
        if (head != null && head.length == 2) {
            sb.append(" classes=").append(head[0]);
        }
        sb.append(" legacy_norm=").append(checkpoint.containsKey("legacy_norm.weight"));
        return Optional.of(sb.toString());
    }
}
