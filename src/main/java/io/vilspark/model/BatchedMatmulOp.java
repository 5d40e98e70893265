package io.vilspark.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products of stacked matrices, {@code c[x] = op(a[x]) @ op(b[x])} for {@code a, b} of rank 3
 * and {@code op} an optional transpose ({@link VectorLoops#matmul}); its gradients are products of
 * the same kind. ND4J 1.0.0-M2.1 hands only rank-2 products to oneDNN; a rank-3 one goes to its own
 * loop over the stack, which ran the demo model's 512 per-head products of {@code [49, 32]} at
 * ~18 GFLOP/s and ViL-T's {@code [196, 96]} ones at 50-75, and the headwise projections' 4 x 4
 * blocks at a few.
 */
public final class BatchedMatmulOp extends JavaKernelOp {

    /**
     * From this inner size on, {@code a @ b^T} runs as dot products of rows: at the headwise
     * projections' weight gradients (4 x 4 results over thousands of tokens), padding 4 columns to a
     * vector and transposing {@code b} cost more than the products.
     */
    private static final int DOT_PRODUCT_INNER = 256;

    public BatchedMatmulOp() {
    }

    BatchedMatmulOp(SameDiff sd, SDVariable a, SDVariable b, boolean transposeA, boolean transposeB) {
        super(sd, new SDVariable[] {a, b}, transposeA ? 1 : 0, transposeB ? 1 : 0);
    }

    private boolean transposeA() {
        return setting(0) != 0;
    }

    private boolean transposeB() {
        return setting(1) != 0;
    }

    @Override
    protected long[][] outputShapes(long[][] in) {
        Dims d = dims(in[0], in[1], transposeA(), transposeB());
        return new long[][] {{d.stack, d.m, d.n}};
    }

    @Override
    protected void compute(INDArray[] in, INDArray[] out) {
        boolean ta = transposeA();
        boolean tb = transposeB();
        Dims d = dims(in[0].shape(), in[1].shape(), ta, tb);
        FloatBuffer a = bytes(in[0]).asFloatBuffer();
        FloatBuffer b = bytes(in[1]).asFloatBuffer();
        FloatBuffer c = bytes(out[0]).asFloatBuffer();
        int lanes = VectorLoops.lanes();
        int np = (d.n + lanes - 1) / lanes * lanes;   // rows of b and c padded to whole vectors (zeros)
        Scratch s = SCRATCH.get().fit(d.m * d.k, d.k * np, d.m * np);
        if (tb && !ta && d.k >= DOT_PRODUCT_INNER) {
            for (int x = 0; x < d.stack; x++) {
                a.get(x * d.m * d.k, s.a, 0, d.m * d.k);
                b.get(x * d.n * d.k, s.b, 0, d.n * d.k);
                VectorLoops.matmulTransposedB(s.a, s.b, s.c, d.m, d.k, d.n);
                c.put(x * d.m * d.n, s.c, 0, d.m * d.n);
            }
            return;
        }
        float[] rawA = ta ? s.transposed : s.a;
        float[] rawB = tb || np != d.n ? s.transposed : s.b;
        for (int x = 0; x < d.stack; x++) {
            a.get(x * d.m * d.k, rawA, 0, d.m * d.k);
            if (ta) {
                transpose(rawA, s.a, d.k, d.m);
            }
            b.get(x * d.k * d.n, rawB, 0, d.k * d.n);
            if (tb) {
                for (int j = 0; j < d.n; j++) {
                    for (int p = 0; p < d.k; p++) {
                        s.b[p * np + j] = rawB[j * d.k + p];
                    }
                }
            } else if (rawB != s.b) {
                for (int p = 0; p < d.k; p++) {
                    System.arraycopy(rawB, p * d.n, s.b, p * np, d.n);
                }
            }
            VectorLoops.matmul(s.a, s.b, s.c, d.m, d.k, np);
            int cOffset = x * d.m * d.n;
            if (np == d.n) {
                c.put(cOffset, s.c, 0, d.m * d.n);
            } else {
                for (int i = 0; i < d.m; i++) {
                    c.put(cOffset + i * d.n, s.c, i * np, d.n);
                }
            }
        }
    }

    /**
     * One pass thread's Java copies of a matrix pair and their product, kept from op to op: the
     * kernel loads from Java arrays faster than from native memory, and fresh arrays for every op
     * grew the heap. The padding columns of {@code b} stay zero: only real columns are written.
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
                java.util.Arrays.fill(b, 0, bLength, 0f);   // padding left over from an earlier shape
            }
            int largest = Math.max(aLength, bLength);
            if (transposed.length < largest) {
                transposed = new float[largest];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** {@code from [rows, cols]} into {@code to [cols, rows]}. */
    private static void transpose(float[] from, float[] to, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                to[col * rows + r] = from[r * cols + col];
            }
        }
    }

    /**
     * For {@code z = op(a) @ op(b)}: {@code da} in {@code a}'s layout and {@code db} in {@code b}'s, as
     * products of {@code dz} with the other input.
     */
    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable a = arg(0);
        SDVariable b = arg(1);
        SDVariable dz = gradients.get(0);
        boolean ta = transposeA();
        boolean tb = transposeB();
        SDVariable da = ta ? product(b, dz, tb, true) : product(dz, b, false, !tb);
        SDVariable db = tb ? product(dz, a, true, ta) : product(a, dz, !ta, false);
        return List.of(da, db);
    }

    private SDVariable product(SDVariable left, SDVariable right, boolean transposeLeft, boolean transposeRight) {
        return new BatchedMatmulOp(sameDiff, left, right, transposeLeft, transposeRight).outputVariable();
    }

    /** Stack size and the product's m, k, n. */
    private record Dims(int stack, int m, int k, int n) {
    }

    private Dims dims(long[] a, long[] b, boolean ta, boolean tb) {
        if (a.length != 3 || b.length != 3 || a[0] != b[0]) {
            throw new IllegalArgumentException(opName() + " needs two stacks of matrices [X, rows, cols] of the same X, got "
                    + Arrays.toString(a) + " and " + Arrays.toString(b));
        }
        long m = ta ? a[2] : a[1];
        long k = ta ? a[1] : a[2];
        long kb = tb ? b[2] : b[1];
        long n = tb ? b[1] : b[2];
        if (k != kb) {
            throw new IllegalArgumentException(opName() + ": inner sizes differ, " + Arrays.toString(a)
                    + (ta ? "^T" : "") + " @ " + Arrays.toString(b) + (tb ? "^T" : ""));
        }
        return new Dims(Math.toIntExact(a[0]), Math.toIntExact(m), Math.toIntExact(k), Math.toIntExact(n));
    }
}
