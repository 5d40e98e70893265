package io.vilspark.cli;

import java.util.Locale;

import io.vilspark.model.ViLConfig;

/** One line that says which architecture a command works with. */
final class ConfigSummary {
    private ConfigSummary() {
    }

    static String of(ViLConfig c) {
        return "dim=" + c.dim() + " depth=" + c.depth() + " patch_size=" + c.patchSize()
                + " input_shape=[" + c.channels() + ", " + c.height() + ", " + c.width() + "]"
                + " classes=" + c.numClasses() + " pooling=" + c.pooling().referenceName()
                + " legacy_norm=" + c.legacyNorm();
    }

    /** 1234567 -> "1,234,567". */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
