package io.vilspark.cli;

import io.vilspark.config.BadInputException;
import io.vilspark.config.ModelConfigs;
import io.vilspark.fuzz.FuzzCampaign;
import io.vilspark.fuzz.HeaderMutation;
import io.vilspark.inference.ImagesFile;
import io.vilspark.interop.CheckpointFormatException;
import io.vilspark.interop.NpyArrays;
import io.vilspark.interop.NpyFile;
import io.vilspark.interop.Tensor;
import io.vilspark.model.ViLConfig;
import io.vilspark.testing.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * .npy files from the outside, through every reader of them: {@link NpyFile#read(Path)} (checks the
 * header against the file size), the stream reader behind {@code vil predict}'s {@link NpyArrays}
 * (no size known: must grow only as data arrives), and {@link ImagesFile}'s shape checks.
 */
@IntegrationTest
class NpyFuzzTest {

    /** Magic (6), version (2), a 2-byte (v1) or 4-byte (v2, v3) little-endian header length, the dict. */
    static final HeaderMutation.Layout LAYOUT = new HeaderMutation.Layout() {
        @Override
        public int headerStart(byte[] file) {
            return file.length > 6 && file[6] == 1 ? 10 : 12;
        }

        @Override
        public int headerEnd(byte[] file) {
            int start = headerStart(file);
            if (file.length < start) {
                return -1;
            }
            long length = 0;
            for (int i = 8; i < start; i++) {
                length |= (file[i] & 0xFFL) << (8 * (i - 8));
            }
            return length > file.length - start ? -1 : start + (int) length;
        }

        @Override
        public byte[] withLength(byte[] file, int length) {
            byte[] out = file.clone();
            for (int i = 8; i < headerStart(file) && i < out.length; i++) {
                out[i] = (byte) (length >>> (8 * (i - 8)));
            }
            return out;
        }
    };

    @TempDir
    Path tmp;

    @Test
    void mutatedNpyFilesGiveAnArrayOrTheProjectsError() throws Exception {
        ViLConfig demo = ModelConfigs.resolve("demo", List.of());
        List<byte[]> seeds = List.of(
                npy(Tensor.ofFloat32(new long[] {2, demo.channels(), demo.height(), demo.width()},
                        new float[2 * demo.channels() * demo.height() * demo.width()])),
                npy(Tensor.ofFloat64(new long[] {3, 2}, new double[] {1, 2, 3, 4, 5, 6})),
                npy(Tensor.ofInt64(new long[] {4}, new long[] {1, 2, 3, 4})),
                npy(Tensor.ofInt32(new long[] {}, new int[] {9})));
        Configuration hadoop = new Configuration();
        FuzzCampaign.Result result = FuzzCampaign.named("npy")
                .seeds(seeds)
                .generator((s, random) -> random.nextInt(3) == 0 ? FuzzCampaign.byteMutation(s, random)
                        : HeaderMutation.mutate(s.get(random.nextInt(s.size())), LAYOUT, random))
                .allow(CheckpointFormatException.class, BadInputException.class)
                .fileSuffix(".npy")
                .iterations(1000)
                .run(tmp, (input, file) -> {
                    boolean whole = succeeds(() -> NpyFile.read(file));
                    boolean streamed = succeeds(() -> NpyArrays.read(file.toUri().toString(), hadoop));
                    if (whole != streamed) {
                        throw new AssertionError("the file and stream readers disagree: file "
                                + (whole ? "accepts" : "refuses") + ", stream the opposite");
                    }
                    try (InputStream in = Files.newInputStream(file)) {
                        NpyFile.read(in, file.toString());
                    }
                    Tensor t = NpyFile.read(file);
                    if (t.shape().length == 4) {
                        ImagesFile.read(file.toUri().toString(), hadoop, demo);
                    }
                });
        result.assertRefusedAtLeast(0.5);
        result.assertBothOutcomes();
    }

    /** Runs a read: true when it returns, false when it refuses with the project's error. */
    private static boolean succeeds(IoCall call) throws IOException {
        try {
            call.run();
            return true;
        } catch (CheckpointFormatException e) {
            return false;
        }
    }

    @FunctionalInterface
    private interface IoCall {
        Object run() throws IOException;
    }

    private static byte[] npy(Tensor t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        NpyFile.write(out, t);
        return out.toByteArray();
    }
}
