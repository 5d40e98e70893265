package io.vilspark.data.prepare;

import java.util.Locale;

/** The two splits of a prepared dataset; also the folder names under its root. */
public enum Split {
    TRAIN,
    VAL;

    /** {@code train}, {@code val}: folder, key prefix and manifest name */
    public String dir() {
        return name().toLowerCase(Locale.ROOT);
    }
}
