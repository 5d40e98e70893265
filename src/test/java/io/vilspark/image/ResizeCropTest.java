package io.vilspark.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import io.vilspark.image.ChwImage;
import io.vilspark.image.ResampleFilter;
import org.junit.jupiter.api.Test;

class ResizeCropTest {

    private static ChwImage random(int c, int h, int w, long seed) {
        byte[] p = new byte[c * h * w];
        new Random(seed).nextBytes(p);
        return ChwImage.fromBytes(p, c, h, w);
    }

    @Test
    void imageOfTheStoredSizeIsKeptAsIs() {
        ChwImage img = random(1, 28, 28, 1);
        assertSame(img, new ResizeCrop(28, ResampleFilter.BICUBIC).apply(img));
    }

    @Test
    void shorterSideAlreadyRIsOnlyCroppedWithPythonRounding() {
        // 32 x 37: crop offset (37 - 32) / 2 = 2.5 rounds half to even: 2 (torchvision CenterCrop)
        ChwImage img = random(3, 32, 37, 2);
        ChwImage out = new ResizeCrop(32, ResampleFilter.BICUBIC).apply(img);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    assertEquals(img.get(c, y, x + 2), out.get(c, y, x));
                }
            }
        }
        // 39 x 32: offset 3.5 rounds to 4
        ChwImage tall = random(1, 39, 32, 3);
        ChwImage cropped = new ResizeCrop(32, ResampleFilter.BICUBIC).apply(tall);
        assertEquals(tall.get(0, 4, 5), cropped.get(0, 0, 5));
        assertEquals(tall.get(0, 35, 31), cropped.get(0, 31, 31));
    }

    @Test
    void boxFilterHalvingIsTheMeanOfEachTwoByTwoBlock() {
        ChwImage img = random(3, 64, 64, 4);
        ChwImage out = new ResizeCrop(32, ResampleFilter.BOX).apply(img);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    float sum = img.get(c, 2 * y, 2 * x) + img.get(c, 2 * y + 1, 2 * x) + img.get(c, 2 * y, 2 * x + 1)
                            + img.get(c, 2 * y + 1, 2 * x + 1);
                    assertEquals(Math.round(sum / 4.0), out.get(c, y, x), 1e-9, "pixel " + c + "," + y + "," + x);
                }
            }
        }
    }

    @Test
    void constantImagesStayConstantUpAndDown() {
        for (int side : new int[] {20, 50, 333}) {
            byte[] p = new byte[side * (side + 7)];
            java.util.Arrays.fill(p, (byte) 173);
            ChwImage out = new ResizeCrop(48, ResampleFilter.BICUBIC).apply(ChwImage.fromBytes(p, 1, side, side + 7));
            for (byte b : out.toBytes()) {
                assertEquals(173, b & 0xFF, "side " + side);
            }
        }
    }

    @Test
    void shrinkingAveragesInsteadOfSkippingPixels() {
        // a one-pixel checkerboard shrunk 4x must become flat grey (antialiasing), not stripes
        byte[] p = new byte[128 * 128];
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                p[y * 128 + x] = (byte) (((x + y) & 1) == 0 ? 255 : 0);
            }
        }
        ChwImage out = new ResizeCrop(32, ResampleFilter.BICUBIC).apply(ChwImage.fromBytes(p, 1, 128, 128));
        for (byte b : out.toBytes()) {
            int v = b & 0xFF;
            assertTrue(Math.abs(v - 128) <= 2, "got " + v);
        }
    }

    @Test
    void longerSideFollowsTorchvisionAndTheCropIsCentred() {
        // 100 x 300 -> shorter side 50: 50 x 150 (int(50 * 300 / 100)), crop columns 50..99
        byte[] p = new byte[100 * 300];
        for (int y = 0; y < 100; y++) {
            for (int x = 0; x < 300; x++) {
                p[y * 300 + x] = (byte) (x < 100 ? 10 : x < 200 ? 200 : 90);
            }
        }
        ChwImage out = new ResizeCrop(50, ResampleFilter.BICUBIC).apply(ChwImage.fromBytes(p, 1, 100, 300));
        assertEquals(50, out.width());
        // away from the edges of the middle third, the crop sees only the middle third's value
        assertEquals(200, out.get(0, 25, 25));
        byte[] row = new byte[10];
        byte[] expected = new byte[10];
        java.util.Arrays.fill(expected, (byte) 200);
        System.arraycopy(out.toBytes(), 25 * 50 + 20, row, 0, 10);
        assertArrayEquals(expected, row);
    }
}
