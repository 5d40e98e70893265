package io.vilspark.model;

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
 * every matrix into Java arrays anyway, and reads a block's rows as it reads a stacked matrix's.
 */
public final class BatchedMatmulOp extends JavaKernelOp {
    /**
     * From this inner size on, {@code a @ b^T} runs as dot products of rows: at the headwise
     * projections' weight gradients (4 x 4 results over thousands of tokens), padding 4 columns to a
     * vector and transposing {@code b} cost more than the products.
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

        /** Matrix x, rows and columns as stored, into {@code to} row-major. */
        void read(FloatBuffer from, int x, float[] to) {
            if (!blocks) {
                from.get(x * rows * cols, to, 0, rows * cols);
                return;
            }
            for (int r = 0; r < rows; r++) {
                from.get(rowOffset(x, r), to, r * cols, cols);
            }
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
        FloatBuffer a = bytes(in[0]).asFloatBuffer();
        FloatBuffer b = bytes(in[1]).asFloatBuffer();
        FloatBuffer c = bytes(out[0]).asFloatBuffer();
        int lanes = VectorLoops.lanes();
        boolean dots = tb && !ta && p.k >= DOT_PRODUCT_INNER;
        int np = dots ? p.n : (p.n + lanes - 1) / lanes * lanes;   // rows of b and c padded to whole vectors (zeros)
        Scratch s = SCRATCH.get().fit(p.m * p.k, p.k * np, p.m * np);
        float[] rawA = ta ? s.transposed : s.a;
        float[] rawB = !dots && (tb || np != p.n) ? s.transposed : s.b;
        for (int x = 0; x < p.stack; x++) {
            p.a.read(a, x, rawA);
            if (ta) {
                transpose(rawA, s.a, p.k, p.m, p.k);
            }
            p.b.read(b, x, rawB);
            if (dots) {
                VectorLoops.matmulTransposedB(s.a, s.b, s.c, p.m, p.k, p.n);
            } else {
                if (tb) {
                    transpose(rawB, s.b, p.n, p.k, np);
                } else if (rawB != s.b) {
                    for (int q = 0; q < p.k; q++) {
                        System.arraycopy(rawB, q * p.n, s.b, q * np, p.n);
                    }
                }
                VectorLoops.matmul(s.a, s.b, s.c, p.m, p.k, np);
            }
            for (int i = 0; i < p.m; i++) {
                c.put(outLayout.rowOffset(x, i), s.c, i * np, p.n);
            }
        }
    }

    /**
     * One pass thread's Java copies of a matrix pair and their product, kept from op to op: the
     * kernel loads from Java arrays faster than from native memory, and fresh arrays for every op
     * would grow the heap. The padding columns of {@code b} stay zero: only real columns are written.
     */
    private static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        float[] c = new float[0];
        float[] transposed = new float[0];

        Scratch fit(int aLength, int bLength, int cLength) {
            if (a.length < aLength) {
                a = new float[aLength];
            }
            if (b.length < bLength || c.length < cLength) {
                b = new float[Math.max(b.length, bLength)];
                c = new float[Math.max(c.length, cLength)];
            } else {
                Arrays.fill(b, 0, bLength, 0f);   // padding left over from an earlier shape
            }
            int largest = Math.max(aLength, bLength);
            if (transposed.length < largest) {
                transposed = new float[largest];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** {@code from [rows, cols]} into {@code to [cols, toWidth]}, row-major, {@code toWidth >= rows}. */
    private static void transpose(float[] from, float[] to, int rows, int cols, int toWidth) {
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                to[col * toWidth + r] = from[r * cols + col];
            }
        }
    }

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
