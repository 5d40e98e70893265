package io.vilspark.image;

/** Thrown while decoding one input to say it is skipped, and why; never escapes a task. */
public final class SkippedInput extends Exception {
    private static final long serialVersionUID = 1L;
    public final SkipReason reason;

    public SkippedInput(SkipReason reason, String detail) {
        super(reason.key() + ": " + detail, null, false, false);
        this.reason = reason;
    }
}
