package io.vilspark.image;

/**
 * torchvision's evaluation transform {@code Resize(R)} + {@code CenterCrop(R)}: the shorter side
 * becomes R (the longer one {@code int(R * long / short)}), then the centre R x R is kept, with the
 * crop offset rounded as Python's {@code round} does (half to even). Resampling is separable
 * (horizontal, then vertical) and computes only the cropped pixels. An image whose shorter side is
 * already R is only cropped, never resampled, so its pixels are stored unchanged; a resampled one is
 * rounded to 8-bit values once, at the end.
 */
public final class ResizeCrop {
    private final int resolution;
    private final ResampleFilter filter;

    public ResizeCrop(int resolution, ResampleFilter filter) {
        this.resolution = resolution;
        this.filter = filter;
    }

    /** The R x R image prepare and extract store; a decoded image's values stay whole, 0..255. */
    public ChwImage apply(ChwImage src) {
        int h = src.height();
        int w = src.width();
        int r = resolution;
        int outH;
        int outW;
        if (h <= w) {
            outH = r;
            outW = (int) ((long) r * w / h);
        } else {
            outW = r;
            outH = (int) ((long) r * h / w);
        }
        int top = (int) Math.rint((outH - r) / 2.0);
        int left = (int) Math.rint((outW - r) / 2.0);
        if (outH == h && outW == w) {
            return crop(src, top, left);
        }
        return resample(src, outH, outW, top, left);
    }

    private ChwImage crop(ChwImage src, int top, int left) {
        int r = resolution;
        if (top == 0 && left == 0 && src.height() == r && src.width() == r) {
            return src;
        }
        return src.crop(top, left, r, r);
    }

    private ChwImage resample(ChwImage src, int outH, int outW, int top, int left) {
        int h = src.height();
        int w = src.width();
        return Resampler.resample(src, AxisWeights.of(h, 0, h, outH, top, resolution, filter),
                AxisWeights.of(w, 0, w, outW, left, resolution, filter)).rounded();
    }
}
