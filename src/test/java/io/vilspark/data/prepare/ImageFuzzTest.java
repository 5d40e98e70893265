package io.vilspark.data.prepare;

import io.vilspark.image.SkipReason;
import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.image.ResampleFilter;
import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image files from the outside, through what {@code vil prepare} and {@code vil extract} run on each
 * file: {@link ImageFileEncoder} (read, sniff, header check, decode, resize, crop, patches). A file
 * is stored or skipped with a reason; nothing may escape the encoder, hang, or allocate beyond what
 * the pixel limit allows.
 */
@IntegrationTest
class ImageFuzzTest {
    private static final int RESOLUTION = 16;
    private static final int PATCH = 4;
    /** Small, so that the allocation budget tells a size field obeyed within the limit from one ignored. */
    private static final long MAX_PIXELS = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    void mutatedImagesAreStoredOrSkippedWithAReason() throws Exception {
        List<byte[]> seeds = List.of(
                TestImages.encode(TestImages.rgb(20, 17, 1), "png"),
                TestImages.encode(TestImages.gray(17, 20, 2), "png"),
                TestImages.encode(TestImages.rgba(18, 18, 3), "png"),
                TestImages.encode(TestImages.sixteenBit(16, 19, 3, 4), "png"),
                TestImages.jpeg(TestImages.rgb(24, 20, 5)),
                TestImages.encode(TestImages.drawn(20, 20, 6, BufferedImage.TYPE_BYTE_INDEXED), "gif"),
                TestImages.encode(TestImages.rgb(19, 21, 7), "bmp"),
                TestImages.adobeJpeg(16, 16, new int[][] {{0, 64, 128, 255}}, 0));
        ImageFileEncoder encoder = new ImageFileEncoder(RESOLUTION, PATCH, 3, ResampleFilter.BICUBIC, MAX_PIXELS,
                1 << 20);
        Configuration conf = new Configuration();
        FuzzCampaign.Result result = FuzzCampaign.named("image")
                .seeds(seeds)
                .allow(NoSuchElementException.class) // never thrown: every outcome must be a Result
                .allocationBudget(64L * MAX_PIXELS)
                .iterations(1500)
                .run(tmp, (bytes, file) -> {
                    ImageFileEncoder.Result r = encoder.encode(file.toUri().toString(), bytes.length, conf);
                    if (r.ok() ? r.patches().length != encoder.layout().size() : r.skipped() == null) {
                        throw new AssertionError("an encoder result that is neither patches of the layout's size "
                                + "nor a skip reason: " + r);
                    }
                    if (!r.ok()) {
                        throw new SkipSeen(r.skipped());
                    }
                });
        result.assertBothOutcomes();
    }

    /** Marks a skipped file as the campaign's "refused" outcome. */
    private static final class SkipSeen extends NoSuchElementException {
        private static final long serialVersionUID = 1L;

        SkipSeen(SkipReason reason) {
            super("skipped: " + reason.key());
        }
    }
}
