package io.vilspark.data.read;

import io.vilspark.image.ChwImage;

/**
 * The evaluation transform (torchvision Resize(int) + CenterCrop): scale the image so that it
 * covers floor(model size / crop_pct) in both directions (for square models: the shorter side
 * becomes that size), bicubically, then cut the model size from the centre. Images already of the
 * model's size pass unchanged.
 */
final class ResizeCentreCrop {
    private ResizeCentreCrop() {
    }

    static ChwImage apply(ChwImage image, int outH, int outW, double cropPct) {
        if (image.height() == outH && image.width() == outW) {
            return image;
        }
        int[] size = resizedSize(image.height(), image.width(), outH, outW, cropPct);
        ChwImage resized = size[0] == image.height() && size[1] == image.width() ? image
                : image.resized(0, 0, image.height(), image.width(), size[0], size[1]);
        return centreCrop(resized, outH, outW);
    }

    /** {@code [height, width]} after the resize step. */
    static int[] resizedSize(int h, int w, int outH, int outW, double cropPct) {
        int targetH = (int) Math.floor(outH / cropPct);
        int targetW = (int) Math.floor(outW / cropPct);
        if ((double) targetH / h >= (double) targetW / w) {
            // the height decides; the width follows the aspect ratio (truncated, as torchvision does)
            return new int[] {targetH, Math.max(targetW, (int) ((long) targetH * w / h))};
        }
        return new int[] {Math.max(targetH, (int) ((long) targetW * h / w)), targetW};
    }

    /** torchvision's centre: offsets rounded half to even. */
    static ChwImage centreCrop(ChwImage image, int outH, int outW) {
        int top = (int) Math.rint((image.height() - outH) / 2.0);
        int left = (int) Math.rint((image.width() - outW) / 2.0);
        return image.crop(top, left, outH, outW);
    }
}
