package io.vilspark.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How the token sequence becomes one vector for the head (reference: {@code VisionLSTM2.pooling}). */
public enum Pooling {
    /** concat(first token, last token): 2*dim features. */
    BILATERAL_FLATTEN("bilateral_flatten"),
    /** (first token + last token) / 2: dim features. */
    BILATERAL_AVG("bilateral_avg");

    private final String referenceName;

    Pooling(String referenceName) {
        this.referenceName = referenceName;
    }

    /** The name the reference implementation uses ({@code "bilateral_flatten"}, ...). */
    public String referenceName() {
        return referenceName;
    }

    public int featureSize(int dim) {
        return this == BILATERAL_FLATTEN ? 2 * dim : dim;
    }

    public static Pooling fromReferenceName(String name) {
        for (Pooling p : values()) {
            if (p.referenceName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pooling '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Pooling::referenceName).collect(Collectors.joining(", ")));
    }
}
