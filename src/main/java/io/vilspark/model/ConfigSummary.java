package io.vilspark.model;

import java.util.Locale;

/** One line that says which architecture a command works with. */
public final class ConfigSummary {
    private ConfigSummary() {
    }

    /** e.g. {@code dim=192 depth=24 patch_size=16 input_shape=[3, 224, 224] classes=1000 ...}. */
    public static String of(ViLConfig c) {
        return "dim=" + c.dim() + " depth=" + c.depth() + " patch_size=" + c.patchSize()
                + " input_shape=[" + c.channels() + ", " + c.height() + ", " + c.width() + "]"
                + " classes=" + c.numClasses() + " pooling=" + c.pooling().referenceName()
                + " legacy_norm=" + c.legacyNorm();
    }

    /** 1234567 -> "1,234,567". */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
