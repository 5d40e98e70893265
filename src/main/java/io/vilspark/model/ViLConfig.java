package io.vilspark.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The architecture of one Vision-LSTM model: the constructor arguments of the reference
 * {@code VisionLSTM2}, validated. Immutable; build with {@link #builder()}.
 *
 * <p>Fixed by the reference and therefore not configurable: expansion 2, qkv block size 4,
 * 4 mLSTM heads, a 3x3 depthwise conv (VisionLSTM2 does not forward {@code conv_kernel_size}).
 */
public final class ViLConfig {
    public static final int EXPANSION = 2;
    public static final int QKV_BLOCK_SIZE = 4;
    public static final int CELL_HEADS = 4;
    public static final int CONV_KERNEL = 3;

    private final int dim;
    private final int depth;
    private final int patchSize;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;
    private final Pooling pooling;
    private final boolean legacyNorm;
    private final boolean projBias;
    private final boolean normBias;
    private final double dropPathRate;
    private final boolean dropPathDecay;

    private ViLConfig(Builder b) {
        this.dim = b.dim;
        this.depth = b.depth;
        this.patchSize = b.patchSize;
        this.channels = b.channels;
        this.height = b.height;
        this.width = b.width;
        this.numClasses = b.numClasses;
        this.pooling = b.pooling;
        this.legacyNorm = b.legacyNorm;
        this.projBias = b.projBias;
        this.normBias = b.normBias;
        this.dropPathRate = b.dropPathRate;
        this.dropPathDecay = b.dropPathDecay;
        validate();
    }

    private void validate() {
        require(dim > 0 && dim % 2 == 0, "dim", dim + " (must be a positive even number: inner dim 2*dim is cut in blocks of 4)");
        require(depth > 0, "depth", depth + " (must be > 0)");
        require(patchSize > 0, "patch_size", patchSize + " (must be > 0)");
        require(channels == 1 || channels == 3, "input_shape", "channels " + channels + " (must be 1 or 3)");
        require(height > 0 && height % patchSize == 0, "input_shape",
                "height " + height + " (must be a positive multiple of patch_size " + patchSize + ")");
        require(width > 0 && width % patchSize == 0, "input_shape",
                "width " + width + " (must be a positive multiple of patch_size " + patchSize + ")");
        require(numClasses > 0, "output_shape", numClasses + " (number of classes must be > 0)");
        require(pooling != null, "pooling", "missing");
        require(dropPathRate >= 0 && dropPathRate < 1, "drop_path_rate", dropPathRate + " (must be in [0, 1))");
    }

    private static void require(boolean ok, String key, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid model configuration '" + key + "': " + message);
        }
    }

    public int dim() { return dim; }
    public int depth() { return depth; }
    public int patchSize() { return patchSize; }
    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    public int numClasses() { return numClasses; }
    public Pooling pooling() { return pooling; }
    public boolean legacyNorm() { return legacyNorm; }
    public boolean projBias() { return projBias; }
    public boolean normBias() { return normBias; }
    public double dropPathRate() { return dropPathRate; }
    public boolean dropPathDecay() { return dropPathDecay; }

    /** Patches per column. */
    public int gridH() { return height / patchSize; }
    /** Patches per row. */
    public int gridW() { return width / patchSize; }
    /** Sequence length: number of patches. */
    public int sequenceLength() { return gridH() * gridW(); }
    /** Width of the mLSTM branch (x and z each). */
    public int innerDim() { return EXPANSION * dim; }
    /** Length of the vector that feeds the head. */
    public int featureSize() { return pooling.featureSize(dim); }

    /** Drop-path rate of block pair {@code pair}: with {@code drop_path_decay}, linspace(0, rate, depth) as the reference. */
    public double dropPathRate(int pair) {
        if (!dropPathDecay) {
            return dropPathRate;
        }
        return depth == 1 ? 0.0 : dropPathRate * pair / (depth - 1);
    }

    /** The reference constructor arguments, as {@code VisionLSTM2(**kwargs)} takes them. */
    public Map<String, Object> toReferenceArguments() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dim", dim);
        m.put("input_shape", Arrays.asList(channels, height, width));
        m.put("patch_size", patchSize);
        m.put("depth", depth);
        m.put("output_shape", Arrays.asList(numClasses));
        m.put("mode", "classifier");
        m.put("pooling", pooling.referenceName());
        m.put("drop_path_rate", dropPathRate);
        m.put("drop_path_decay", dropPathDecay);
        m.put("stride", null);
        m.put("legacy_norm", legacyNorm);
        m.put("conv_kind", "2d");
        m.put("conv_kernel_size", CONV_KERNEL);
        m.put("proj_bias", projBias);
        m.put("norm_bias", normBias);
        return m;
    }

    public Builder toBuilder() {
        return new Builder().dim(dim).depth(depth).patchSize(patchSize).inputShape(channels, height, width)
                .numClasses(numClasses).pooling(pooling).legacyNorm(legacyNorm).projBias(projBias)
                .normBias(normBias).dropPathRate(dropPathRate).dropPathDecay(dropPathDecay);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ViLConfig c && toReferenceArguments().equals(c.toReferenceArguments());
    }

    @Override
    public int hashCode() {
        return toReferenceArguments().hashCode();
    }

    @Override
    public String toString() {
        return "ViLConfig" + toReferenceArguments();
    }

    /** Defaults are the reference's ({@code VisionLSTM2()} = ViL-T on ImageNet-1K). */
    public static final class Builder {
        private int dim = 192;
        private int depth = 12;
        private int patchSize = 16;
        private int channels = 3;
        private int height = 224;
        private int width = 224;
        private int numClasses = 1000;
        private Pooling pooling = Pooling.BILATERAL_FLATTEN;
        private boolean legacyNorm = false;
        private boolean projBias = true;
        private boolean normBias = true;
        private double dropPathRate = 0.0;
        private boolean dropPathDecay = false;

        public Builder dim(int v) { dim = v; return this; }
        public Builder depth(int v) { depth = v; return this; }
        public Builder patchSize(int v) { patchSize = v; return this; }
        public Builder inputShape(int c, int h, int w) { channels = c; height = h; width = w; return this; }
        public Builder numClasses(int v) { numClasses = v; return this; }
        public Builder pooling(Pooling v) { pooling = v; return this; }
        public Builder legacyNorm(boolean v) { legacyNorm = v; return this; }
        public Builder projBias(boolean v) { projBias = v; return this; }
        public Builder normBias(boolean v) { normBias = v; return this; }
        public Builder dropPathRate(double v) { dropPathRate = v; return this; }
        public Builder dropPathDecay(boolean v) { dropPathDecay = v; return this; }

        public ViLConfig build() {
            return new ViLConfig(this);
        }
    }
}
