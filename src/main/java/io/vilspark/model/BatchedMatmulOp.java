package io.vilspark.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products of stacked matrices, {@code c[x] = op(a[x]) @ op(b[x])} with {@code op} an optional
 * transpose ({@link VectorLoops#matmul}); its gradients are products of the same kind. ND4J 1.0.0-M2.1
 * hands only rank-2 products to oneDNN; a rank-3 one goes to its own loop over the stack, which runs
 * the demo model's 512 per-head products of {@code [49, 32]} at ~18 GFLOP/s and ViL-T's
 * {@code [196, 96]} ones at 50-75, and the headwise projections' 4 x 4 blocks at a few.
 *
 * <p>Each operand and the result is either a stack {@code [X, rows, cols]} or the head blocks of
 * channel-major activations {@code [H * rows, B * S]}: matrix {@code x = h * B + b} is the block of
 * head h's rows and sample b's S columns. The mLSTM cell reads q, k and v, and writes their
 * gradients, in the blocks' layout, so no permute to per-head sequences runs: the kernel copies
 * groups of matrices into Java arrays anyway (a head's consecutive samples lie side by side in its
 * block rows, so one copy per row moves a whole group), and reads a matrix through its first
 * element and row stride in either layout. A transposed {@code a} is read in place; a transposed
 * {@code b} is copied to rows of whole vectors, one matrix at a time.
 */
public final class BatchedMatmulOp extends JavaKernelOp {
    /**
     * From this inner size on, {@code a @ b^T} runs as dot products of rows read in place: at the
     * headwise projections' weight gradients (4 x 4 results over thousands of tokens), copying and
     * transposing {@code b} would cost more than the products.
     */
    private static final int DOT_PRODUCT_INNER = 256;
    private static final int TRANSPOSE_A = 0;
    private static final int TRANSPOSE_B = 1;
    private static final int HEADS = 2;
    private static final int SEQ_LEN = 3;
    private static final int BLOCKS_A = 4;
    private static final int BLOCKS_B = 5;
    private static final int BLOCKS_OUT = 6;

    public BatchedMatmulOp() {
    }

    /** Stacks in, a stack out. */
    BatchedMatmulOp(SameDiff sd, SDVariable a, SDVariable b, boolean transposeA, boolean transposeB) {
        this(sd, a, b, transposeA, transposeB, 0, 0, false, false, false);
    }

    /**
     * @param heads  H of the operands in head blocks of length {@code seqLen} (0 when none is)
     * @param blocksA whether {@code a} is in head blocks, else a stack; likewise {@code b} and the result
     */
    BatchedMatmulOp(SameDiff sd, SDVariable a, SDVariable b, boolean transposeA, boolean transposeB, int heads, int seqLen,
                    boolean blocksA, boolean blocksB, boolean blocksOut) {
        super(sd, new SDVariable[] {a, b}, transposeA ? 1 : 0, transposeB ? 1 : 0, heads, seqLen,
                blocksA ? 1 : 0, blocksB ? 1 : 0, blocksOut ? 1 : 0);
    }

    private boolean flag(int setting) {
        return setting(setting) != 0;
    }

    /** An operand's matrices as stored (before any transpose): x-th matrix, row r starts at {@link #rowOffset}. */
    private record Layout(int stack, int rows, int cols, boolean blocks, int samples) {
        static Layout of(long[] shape, boolean blocks, int heads, int seqLen) {
            if (!blocks) {
                if (shape.length != 3) {
                    throw new IllegalArgumentException("a stack of matrices [X, rows, cols], got " + Arrays.toString(shape));
                }
                return new Layout(Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), Math.toIntExact(shape[2]), false, 0);
            }
            if (shape.length != 2 || heads <= 0 || seqLen <= 0 || shape[0] % heads != 0 || shape[1] % seqLen != 0) {
                throw new IllegalArgumentException("head blocks of " + heads + " heads and " + seqLen + " columns in [H * rows, B * S], got "
                        + Arrays.toString(shape));
            }
            int samples = Math.toIntExact(shape[1] / seqLen);
            return new Layout(heads * samples, Math.toIntExact(shape[0] / heads), seqLen, true, samples);
        }

        int rowOffset(int x, int r) {
            return blocks ? ((x / samples) * rows + r) * samples * cols + (x % samples) * cols : (x * rows + r) * cols;
        }

        /**
         * Matrices {@code x0 .. x0 + count - 1} (of one head when in blocks) into {@code to}: a stack's
         * as they lie, one copy; head blocks row by row, each row the {@code count} matrices' rows side
         * by side. Matrix {@code x0 + l} then starts at {@link #groupOffset} with rows {@link #groupRowStride} apart.
         */
        void readGroup(FloatBuffer from, int x0, int count, float[] to) {
            if (!blocks) {
                from.get(x0 * rows * cols, to, 0, count * rows * cols);
                return;
            }
            for (int r = 0; r < rows; r++) {
                from.get(rowOffset(x0, r), to, r * count * cols, count * cols);
            }
        }

        /** {@link #readGroup}'s inverse. */
        void writeGroup(FloatBuffer to, int x0, int count, float[] from) {
            if (!blocks) {
                to.put(x0 * rows * cols, from, 0, count * rows * cols);
                return;
            }
            for (int r = 0; r < rows; r++) {
                to.put(rowOffset(x0, r), from, r * count * cols, count * cols);
            }
        }

        int groupOffset(int l) {
            return blocks ? l * cols : l * rows * cols;
        }

        int groupRowStride(int count) {
            return blocks ? count * cols : cols;
        }

        int size() {
            return rows * cols;
        }
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        Product p = product(in[0], in[1]);
        if (!flag(BLOCKS_OUT)) {
            return new long[][] {{p.stack, p.m, p.n}};
        }
        int heads = (int) setting(HEADS);
        return new long[][] {{(long) heads * p.m, (long) (p.stack / heads) * p.n}};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        Product p = product(in[0].shape(), in[1].shape());
        Layout outLayout = flag(BLOCKS_OUT) ? Layout.of(out[0].shape(), true, (int) setting(HEADS), (int) setting(SEQ_LEN))
                : Layout.of(out[0].shape(), false, 0, 0);
        boolean ta = flag(TRANSPOSE_A);
        boolean tb = flag(TRANSPOSE_B);
        if (tb && !ta && p.k >= DOT_PRODUCT_INNER) {
            dotProducts(p, bytes(in[0]), bytes(in[1]), outLayout, bytes(out[0]).asFloatBuffer());
            return;
        }
        FloatBuffer a = bytes(in[0]).asFloatBuffer();
        FloatBuffer b = bytes(in[1]).asFloatBuffer();
        FloatBuffer c = bytes(out[0]).asFloatBuffer();
        // matrices go in groups that fit in the core's cache and never span two heads' blocks
        int perHead = p.a.blocks ? p.a.samples : p.b.blocks ? p.b.samples : outLayout.blocks ? outLayout.samples : p.stack;
        int group = Math.max(1, Math.min(perHead, GROUP_FLOATS / (p.a.size() + p.b.size() + outLayout.size())));
        boolean transposeB = tb && p.n >= VectorLoops.lanes();
        Scratch s = SCRATCH.get().fit(group * p.a.size(), group * p.b.size(), group * outLayout.size(), transposeB ? p.b.size() : 0);
        for (int x0 = 0; x0 < p.stack; ) {
            int count = Math.min(group, (x0 / perHead + 1) * perHead - x0);
            p.a.readGroup(a, x0, count, s.a);
            p.b.readGroup(b, x0, count, s.b);
            int aStride = p.a.groupRowStride(count);
            int bStride = p.b.groupRowStride(count);
            int cStride = outLayout.groupRowStride(count);
            // a^T is read in place (its elements are broadcast one at a time); b^T is copied to rows
            // of whole vectors
            int aRow = ta ? 1 : aStride;
            int aCol = ta ? aStride : 1;
            for (int l = 0; l < count; l++) {
                int aOff = p.a.groupOffset(l);
                int bOff = p.b.groupOffset(l);
                int cOff = outLayout.groupOffset(l);
                if (transposeB) {
                    VectorLoops.transpose(s.b, bOff, bStride, s.transposed, p.n, p.k);
                    VectorLoops.matmul(s.a, aOff, aRow, aCol, s.transposed, 0, p.n, s.c, cOff, cStride, p.m, p.k, p.n);
                } else if (tb) {
                    VectorLoops.matmulScalar(s.a, aOff, aRow, aCol, s.b, bOff, 1, bStride, s.c, cOff, cStride, p.m, p.k, p.n);
                } else {
                    VectorLoops.matmul(s.a, aOff, aRow, aCol, s.b, bOff, bStride, s.c, cOff, cStride, p.m, p.k, p.n);
                }
            }
            outLayout.writeGroup(c, x0, count, s.c);
            x0 += count;
        }
    }

    /** {@code c = a @ b^T} with long rows, as dot products of rows read in place ({@link VectorLoops#dotProducts}). */
    private static void dotProducts(Product p, ByteBuffer a, ByteBuffer b, Layout outLayout, FloatBuffer c) {
        int[] aRows = new int[p.m];
        int[] bRows = new int[p.n];
        float[] product = new float[p.m * p.n];
        for (int x = 0; x < p.stack; x++) {
            for (int i = 0; i < p.m; i++) {
                aRows[i] = p.a.rowOffset(x, i);
            }
            for (int j = 0; j < p.n; j++) {
                bRows[j] = p.b.rowOffset(x, j);
            }
            VectorLoops.dotProducts(a, aRows, b, bRows, product, p.m, p.n, p.k);
            for (int i = 0; i < p.m; i++) {
                c.put(outLayout.rowOffset(x, i), product, i * p.n, p.n);
            }
        }
    }

    /**
     * Floats per group of matrices (operands and product): ~200 KB, so a group stays in a core's L2
     * cache between the copy in and the product.
     */
    private static final int GROUP_FLOATS = 50_000;

    /**
     * One pass thread's Java copies of a group of matrix pairs and their products, kept from op to
     * op: the kernel loads from Java arrays faster than from native memory, and fresh arrays for
     * every op would grow the heap.
     */
    private static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] c = new float[0];
        float[] transposed = new float[0];

        Scratch fit(int aLength, int bLength, int cLength, int transposedLength) {
            a = a.length < aLength ? new float[aLength] : a;
            b = b.length < bLength ? new float[bLength] : b;
            c = c.length < cLength ? new float[cLength] : c;
            transposed = transposed.length < transposedLength ? new float[transposedLength] : transposed;
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * For {@code z = op(a) @ op(b)}: {@code da} in {@code a}'s layout and {@code db} in {@code b}'s, as
     * products of {@code dz} (in the result's layout) with the other input.
     */
    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable a = arg(0);
        SDVariable b = arg(1);
        SDVariable dz = gradients.get(0);
        boolean ta = flag(TRANSPOSE_A);
        boolean tb = flag(TRANSPOSE_B);
        boolean blocksA = flag(BLOCKS_A);
        boolean blocksB = flag(BLOCKS_B);
        boolean blocksZ = flag(BLOCKS_OUT);
        SDVariable da = ta ? gradient(b, blocksB, dz, blocksZ, tb, true, blocksA)
                : gradient(dz, blocksZ, b, blocksB, false, !tb, blocksA);
        SDVariable db = tb ? gradient(dz, blocksZ, a, blocksA, true, ta, blocksB)
                : gradient(a, blocksA, dz, blocksZ, !ta, false, blocksB);
        return List.of(da, db);
    }

    private SDVariable gradient(SDVariable left, boolean blocksLeft, SDVariable right, boolean blocksRight,
                                boolean transposeLeft, boolean transposeRight, boolean blocksOut) {
        return new BatchedMatmulOp(sameDiff, left, right, transposeLeft, transposeRight, (int) setting(HEADS),
                (int) setting(SEQ_LEN), blocksLeft, blocksRight, blocksOut).outputVariable();
    }

    /** The operands' layouts, the stack size and the product's m, k, n. */
    private record Product(Layout a, Layout b, int stack, int m, int k, int n) {
    }

    private Product product(long[] aShape, long[] bShape) {
        int heads = (int) setting(HEADS);
        int seqLen = (int) setting(SEQ_LEN);
        Layout a = Layout.of(aShape, flag(BLOCKS_A), heads, seqLen);
        Layout b = Layout.of(bShape, flag(BLOCKS_B), heads, seqLen);
        boolean ta = flag(TRANSPOSE_A);
        boolean tb = flag(TRANSPOSE_B);
        int m = ta ? a.cols : a.rows;
        int k = ta ? a.rows : a.cols;
        int kb = tb ? b.cols : b.rows;
        int n = tb ? b.rows : b.cols;
        if (a.stack != b.stack || k != kb) {
            throw new IllegalArgumentException(opName() + ": " + Arrays.toString(aShape) + (ta ? "^T" : "") + " @ "
                    + Arrays.toString(bShape) + (tb ? "^T" : "") + " do not match as stacks of matrices");
        }
        return new Product(a, b, a.stack, m, k, n);
    }
}
