package io.vilspark.train.gpu;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A CUDA compute capability, {@code major.minor} (8.6 for an RTX 3090, 9.0 for an H100). */
public record ComputeCapability(int major, int minor) implements Comparable<ComputeCapability> {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})");

    public ComputeCapability {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("compute capability " + major + "." + minor + " is negative");
        }
    }

    /** Parses {@code 8.6}, as nvidia-smi prints it. */
    public static ComputeCapability parse(String text) {
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a compute capability: '" + text.trim() + "' (expected major.minor, e.g. 8.6)");
        }
        return new ComputeCapability(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean isWithin(ComputeCapability lowest, ComputeCapability highest) {
        return compareTo(lowest) >= 0 && compareTo(highest) <= 0;
    }

    @Override
    public int compareTo(ComputeCapability o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
