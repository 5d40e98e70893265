package io.vilspark.data.prepare;

/** Thrown while decoding one input to say it is skipped, and why; never escapes a task. */
final class SkippedInput extends Exception {
    private static final long serialVersionUID = 1L;
    final SkipReason reason;

    SkippedInput(SkipReason reason, String detail) {
        super(reason.key() + ": " + detail, null, false, false);
        this.reason = reason;
    }
}
