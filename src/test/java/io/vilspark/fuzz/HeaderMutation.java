package io.vilspark.fuzz;

import java.util.Arrays;
import java.util.Random;

/**
 * Mutations aimed at a file's text header (the JSON of safetensors, the Python dict of .npy): the
 * header bytes are mutated on their own and the file rebuilt around them, with the length field
 * either fixed up (so the parser sees the mutated text) or left stale.
 */
public final class HeaderMutation {

    /** Where the header text lies in a file, and how to write a header length back. */
    public interface Layout {
        int headerStart(byte[] file);

        int headerEnd(byte[] file);

        /** The file with its length field set for a header of {@code length} bytes. */
        byte[] withLength(byte[] file, int length);
    }

    private HeaderMutation() {
    }

    public static byte[] mutate(byte[] file, Layout layout, Random random) {
        int start = layout.headerStart(file);
        int end = layout.headerEnd(file);
        if (start < 0 || end > file.length || end <= start) {
            return Mutator.mutate(file, file, random);
        }
        byte[] header = Arrays.copyOfRange(file, start, end);
        byte[] mutated = Mutator.once(header, header, random);
        if (random.nextInt(3) > 0) {
            mutated = Mutator.once(mutated, header, random);
        }
        byte[] rebuilt = Mutator.join(Arrays.copyOf(file, start), mutated, Arrays.copyOfRange(file, end, file.length));
        return random.nextInt(4) == 0 ? rebuilt : layout.withLength(rebuilt, mutated.length);
    }
}
