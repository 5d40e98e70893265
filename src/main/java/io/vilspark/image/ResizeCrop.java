package io.vilspark.image;


/**
 * torchvision's evaluation transform {@code Resize(R)} + {@code CenterCrop(R)}: the shorter side
 * becomes R (the longer one {@code int(R * long / short)}), then the centre R x R is kept, with the
 * crop offset rounded as Python's {@code round} does (half to even). Resampling is separable
 * (horizontal, then vertical) and computes only the cropped pixels. An image whose shorter side is
 * already R is only cropped, never resampled, so its pixels are stored unchanged.
 */
public final class ResizeCrop {
    private final int resolution;
    private final ResampleFilter filter;

    public ResizeCrop(int resolution, ResampleFilter filter) {
        this.resolution = resolution;
        this.filter = filter;
    }

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
        byte[] out = new byte[src.channels() * r * r];
        for (int c = 0; c < src.channels(); c++) {
            for (int y = 0; y < r; y++) {
                System.arraycopy(src.pixels(), (c * src.height() + top + y) * src.width() + left, out, (c * r + y) * r, r);
            }
        }
        return new ChwImage(src.channels(), r, r, out);
    }

    private ChwImage resample(ChwImage src, int outH, int outW, int top, int left) {
        int r = resolution;
        int h = src.height();
        int w = src.width();
        byte[] in = src.pixels();
        float[] resized = Resampler.resample((c, y, into) -> {
            int base = (c * h + y) * w;
            for (int x = 0; x < w; x++) {
                into[x] = in[base + x] & 0xFF;
            }
        }, src.channels(), w, AxisWeights.of(h, 0, h, outH, top, r, filter), AxisWeights.of(w, 0, w, outW, left, r, filter));
        byte[] out = new byte[resized.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) clampRound(resized[i]);
        }
        return new ChwImage(src.channels(), r, r, out);
    }

    private static int clampRound(float v) {
        int rounded = Math.round(v);
        return Math.max(0, Math.min(255, rounded));
    }
}
