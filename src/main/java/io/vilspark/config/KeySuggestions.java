package io.vilspark.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for a misspelt key: the closest known key by edit distance, if close enough. */
final class KeySuggestions {
    private KeySuggestions() {
    }

    /** The problem text for an unknown key: {@code unknown key (did you mean 'model.dim'?)}. */
    static String unknownKey(String key, Collection<String> known) {
        return closest(key, known)
                .map(s -> "unknown key (did you mean '" + s + "'?)")
                .orElse("unknown key");
    }

    /** The known key closest to {@code unknown}, if it is a plausible typo or a spelling variant of it. */
    static Optional<String> closest(String unknown, Collection<String> known) {
        String u = normalise(unknown);
        // tolerate about one typo per three characters of the last path segment, at most three
        int threshold = Math.max(1, Math.min(3, lastSegment(unknown).length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            String c = normalise(candidate);
            int d = distance(u, c);
            boolean close = d <= threshold || isAbbreviation(u, c);
            if (close && (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0))) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** "patch" for "patch_size", "classes" for "num_classes": one contains the other, which is not tiny. */
    private static boolean isAbbreviation(String a, String b) {
        String shorter = a.length() <= b.length() ? a : b;
        String longer = shorter == a ? b : a;
        return shorter.length() >= 4 && 2 * shorter.length() >= longer.length() && longer.contains(shorter);
    }

    /** Case and separators do not matter: numClasses, num-classes and num_classes are one key to a human. */
    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("depht"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
