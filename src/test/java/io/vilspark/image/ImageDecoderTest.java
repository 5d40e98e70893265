package io.vilspark.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;

import io.vilspark.image.ChwImage;
import io.vilspark.testing.TestImages;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(89_478_485L, 16);

    private static void assertSamePixels(BufferedImage expected, ChwImage got) {
        int plane = got.height() * got.width();
        for (int y = 0; y < got.height(); y++) {
            for (int x = 0; x < got.width(); x++) {
                int rgb = expected.getRGB(x, y);
                int i = y * got.width() + x;
                assertEquals((rgb >> 16) & 0xFF, got.values()[i]);
                assertEquals((rgb >> 8) & 0xFF, got.values()[plane + i]);
                assertEquals(rgb & 0xFF, got.values()[2 * plane + i]);
            }
        }
    }

    @Test
    void losslessFormatsGiveTheirExactPixels() throws Exception {
        BufferedImage img = TestImages.rgb(40, 30, 3);
        for (String format : new String[] {"png", "bmp"}) {
            ChwImage got = decoder.decode(TestImages.encode(img, format));
            assertEquals(3, got.channels());
            assertSamePixels(img, got);
        }
    }

    @Test
    void greyStaysOneChannelWithItsStoredValues() throws Exception {
        BufferedImage g = TestImages.gray(33, 20, 5);
        ChwImage got = decoder.decode(TestImages.encode(g, "png"));
        assertEquals(1, got.channels());
        assertEquals(g.getRaster().getSample(7, 9, 0), got.get(0, 9, 7));
        ChwImage jpeg = decoder.decode(TestImages.jpeg(g));
        assertEquals(1, jpeg.channels());
    }

    @Test
    void rgbaKeepsTheColourSamplesAndDropsAlpha() throws Exception {
        BufferedImage img = TestImages.rgba(24, 24, 2);
        ChwImage got = decoder.decode(TestImages.encode(img, "png"));
        assertEquals(3, got.channels());
        assertSamePixels(img, got);
    }

    @Test
    void sixteenBitSamplesAreRoundedToEightBits() throws Exception {
        for (int bands : new int[] {1, 3}) {
            BufferedImage img = TestImages.sixteenBit(20, 18, bands, 1);
            ChwImage got = decoder.decode(TestImages.encode(img, "png"));
            assertEquals(bands, got.channels());
            for (int b = 0; b < bands; b++) {
                int v = img.getRaster().getSample(11, 13, b);
                assertEquals((int) Math.round(v * 255.0 / 65535.0), got.get(b, 13, 11), "band " + b);
            }
        }
    }

    @Test
    void gifDecodesThroughItsPalette() throws Exception {
        BufferedImage indexed = new BufferedImage(20, 20, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.createGraphics().drawImage(TestImages.rgb(20, 20, 1), 0, 0, null);
        ChwImage got = decoder.decode(TestImages.encode(indexed, "gif"));
        assertSamePixels(indexed, got);
    }

    @Test
    void cmykAndYcckJpegsBecomeRgb() throws Exception {
        // Adobe CMYK stores inverted inks: (255,0,0,255) is no cyan, full magenta and yellow, no black: red
        int[][] cmyk = {{255, 255, 255, 255}, {255, 0, 0, 255}, {0, 0, 0, 0}};
        ChwImage got = decoder.decode(TestImages.adobeJpeg(16, 16, cmyk, 0));
        assertEquals(3, got.channels());
        assertRgbNear(got, 8, 255, 255, 255);
        assertRgbNear(got, 24, 255, 0, 0);
        assertRgbNear(got, 40, 0, 0, 0);
        // YCCK: Y/Cb/Cr encode the inks C, M, Y (full luma: full ink), K is stored inverted as in CMYK
        int[][] ycck = {{0, 128, 128, 255}, {255, 128, 128, 255}, {0, 128, 128, 0}};
        ChwImage y = decoder.decode(TestImages.adobeJpeg(16, 16, ycck, 2));
        assertRgbNear(y, 8, 255, 255, 255);
        assertRgbNear(y, 24, 0, 0, 0);
        assertRgbNear(y, 40, 0, 0, 0);
    }

    private static void assertRgbNear(ChwImage img, int x, int r, int g, int b) {
        int[] want = {r, g, b};
        for (int c = 0; c < 3; c++) {
            float v = img.get(c, 8, x);
            assertTrue(Math.abs(v - want[c]) <= 8, "channel " + c + " at x=" + x + ": " + v + ", want " + want[c]);
        }
    }

    private SkipReason reasonOf(byte[] bytes) {
        return assertThrows(SkippedInput.class, () -> decoder.decode(bytes)).reason;
    }

    @Test
    void badInputsAreSkippedWithTheirReason() {
        BufferedImage img = TestImages.rgb(64, 48, 1);
        assertEquals(SkipReason.EMPTY, reasonOf(new byte[0]));
        assertEquals(SkipReason.NOT_AN_IMAGE, reasonOf("just some text\n".getBytes()));
        for (String format : new String[] {"png", "bmp", "gif"}) {
            BufferedImage source = format.equals("gif") ? indexed(img) : img;
            assertEquals(SkipReason.TRUNCATED, reasonOf(TestImages.cut(TestImages.encode(source, format), 0.6)), format);
        }
        assertEquals(SkipReason.TRUNCATED, reasonOf(TestImages.cut(TestImages.jpeg(img), 0.6)), "jpeg");
        byte[] corrupt = TestImages.encode(img, "png");
        for (int i = 60; i < corrupt.length - 20; i++) {
            corrupt[i] = (byte) 0x5A; // garble the compressed data, keep the end marker
        }
        assertEquals(SkipReason.CORRUPT, reasonOf(corrupt));
        assertEquals(SkipReason.TOO_SMALL, reasonOf(TestImages.encode(TestImages.rgb(15, 40, 1), "png")));
        assertEquals(SkipReason.TOO_LARGE, reasonOf(TestImages.pngClaiming(100_000, 100_000)));
    }

    private static BufferedImage indexed(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_BYTE_INDEXED);
        out.createGraphics().drawImage(img, 0, 0, null);
        return out;
    }
}
