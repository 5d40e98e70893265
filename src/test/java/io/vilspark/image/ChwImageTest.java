package io.vilspark.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ChwImageTest {

    @Test
    void everyByteSurvivesTheTripThroughFloats() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        ChwImage image = ChwImage.fromBytes(all, 1, 16, 16);
        assertEquals(255f, image.get(0, 15, 15));
        assertArrayEquals(all, image.toBytes());
    }

    @Test
    void storedBytesRoundHalfUpAndStayInRange() {
        ChwImage image = new ChwImage(1, 1, 7, new float[] {-3f, 0.49f, 0.5f, 1.5f, 254.5f, 255.4f, 300f});
        assertArrayEquals(new byte[] {0, 0, 1, 2, (byte) 255, (byte) 255, (byte) 255}, image.toBytes());
        assertArrayEquals(new float[] {0, 0, 1, 2, 255, 255, 255}, image.rounded().values(), 0f);
    }

    @Test
    void greyFromRgbIsPillowsIntegerLuma() {
        // Pillow's convert("L"): (R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16; for (0, 255, 51) the float
        // formula 0.299 R + 0.587 G + 0.114 B gives 155.499, which would round to 155
        float[] rgb = {255, 0, 0, 0, 0, 255, 0, 255, 0, 0, 255, 51}; // red, green, blue, (0, 255, 51)
        ChwImage grey = new ChwImage(3, 1, 4, rgb).withChannels(1);
        assertArrayEquals(new float[] {76, 150, 29, 156}, grey.values(), 0f);
        ChwImage back = grey.withChannels(3);
        assertArrayEquals(new float[] {76, 150, 29, 156, 76, 150, 29, 156, 76, 150, 29, 156}, back.values(), 0f);
        assertThrows(IllegalArgumentException.class, () -> grey.withChannels(2));
    }
}
