package io.vilspark.config;

/**
 * The values a numeric setting allows, each end open or closed, and how messages say so:
 * {@code a number > 0}, {@code a number in [0.0, 1.0)}.
 */
public record Bounds(double low, boolean lowOpen, double high, boolean highOpen) {
    /** {@code [low, high]} */
    public static Bounds closed(double low, double high) {
        return new Bounds(low, false, high, false);
    }

    /** {@code [low, high)} */
    public static Bounds closedOpen(double low, double high) {
        return new Bounds(low, false, high, true);
    }

    /** {@code (low, high]} */
    public static Bounds openClosed(double low, double high) {
        return new Bounds(low, true, high, false);
    }

    /** {@code >= low} */
    public static Bounds atLeast(double low) {
        return new Bounds(low, false, Double.POSITIVE_INFINITY, false);
    }

    /** {@code > low} */
    public static Bounds above(double low) {
        return new Bounds(low, true, Double.POSITIVE_INFINITY, false);
    }

    /** Whether {@code v} is finite and within these bounds. */
    public boolean contains(double v) {
        return Double.isFinite(v) && (lowOpen ? v > low : v >= low) && (highOpen ? v < high : v <= high);
    }

    /** What a message says is expected, e.g. {@code a number >= 0}. */
    public String describe() {
        return "a number " + range();
    }

    /** The bounds alone: {@code > 0}, {@code in [0.0, 1.0)}. */
    public String range() {
        if (high == Double.POSITIVE_INFINITY) {
            return (lowOpen ? "> " : ">= ") + plain(low);
        }
        return "in " + (lowOpen ? "(" : "[") + low + ", " + high + (highOpen ? ")" : "]");
    }

    /** {@code 0} rather than {@code 0.0} where a single bound reads as a threshold. */
    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
