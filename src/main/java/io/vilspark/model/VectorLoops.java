package io.vilspark.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops behind {@link JavaKernelOp}s, on float32 arrays in native memory, with the JDK's vector
 * API: its exp is vectorised (~0.3 ns per element in cache on one core, where ND4J 1.0.0-M2.1's
 * scalar exp, sigmoid and swish take 3-4 ns). The only class that touches {@code
 * jdk.incubator.vector}; {@link ElementwiseKernels} uses it only when the JVM has that module.
 *
 * <p>Rows shorter than a vector are not special-cased by masked loads (slow on byte buffers in JDK
 * 17): a row's last vector is read at {@code end - lanes}, overlapping the one before it, and
 * sums leave the overlapped lanes out. Rows shorter than one vector take a scalar loop.
 */
final class VectorLoops {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = F.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** 0, 1, 2, ... per lane, for masks by position. */
    private static final float[] LANE_INDEX = new float[LANES];

    static {
        for (int i = 0; i < LANES; i++) {
            LANE_INDEX[i] = i;
        }
    }

    private VectorLoops() {
    }

    private static FloatVector load(ByteBuffer b, int index) {
        return FloatVector.fromByteBuffer(F, b, 4 * index, ORDER);
    }

    private static void store(FloatVector v, ByteBuffer b, int index) {
        v.intoByteBuffer(b, 4 * index, ORDER);
    }

    /** Floats per vector. */
    static int lanes() {
        return LANES;
    }

    /**
     * {@code c = a @ b} on matrices in Java arrays, each given by its first element's index and row
     * stride: {@code a(i, p) = a[aOff + i * aRow + p * aCol]} (so {@code a} may be read transposed),
     * {@code b(p, j) = b[bOff + p * bRow + j]}, {@code c(i, j) = c[cOff + i * cRow + j]}; {@code a} is
     * {@code [m, k]}, {@code b [k, n]}, {@code c [m, n]}. Blocks of 4 rows by 2 vectors of columns keep
     * 8 accumulators in registers over the whole inner loop and broadcast each {@code a} element once
     * per block. A last block that does not fit is moved back to end at the last row or column: it
     * computes some elements again, to the same values, instead of taking a slower remainder loop or
     * needing padding. Rows shorter than a vector take a scalar loop.
     */
    static void matmul(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow,
                       float[] c, int cOff, int cRow, int m, int k, int n) {
        if (n < LANES) {
            matmulScalar(a, aOff, aRow, aCol, b, bOff, bRow, 1, c, cOff, cRow, m, k, n);
            return;
        }
        if (m < 4) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j += LANES) {
                    int j0 = Math.min(j, n - LANES);
                    matmulRowVector(a, aOff + i * aRow, aCol, b, bOff + j0, bRow, c, cOff + i * cRow + j0, k);
                }
            }
            return;
        }
        for (int i = 0; i < m; i += 4) {
            int i0 = Math.min(i, m - 4);
            int ai = aOff + i0 * aRow;
            int ci = cOff + i0 * cRow;
            if (n < 2 * LANES) {
                matmulBlock4x1(a, ai, aRow, aCol, b, bOff, bRow, c, ci, cRow, k);
                matmulBlock4x1(a, ai, aRow, aCol, b, bOff + n - LANES, bRow, c, ci + n - LANES, cRow, k);
                continue;
            }
            for (int j = 0; j < n; j += 2 * LANES) {
                int j0 = Math.min(j, n - 2 * LANES);
                matmulBlock4x2(a, ai, aRow, aCol, b, bOff + j0, bRow, c, ci + j0, cRow, k);
            }
        }
    }

    /**
     * The {@code [rows, cols]} matrix at {@code from[off]}, rows {@code stride} apart, into {@code to
     * [cols, rows]} row-major, for {@link #matmul}'s {@code b}. With 16 lanes, whole tiles of 16 x 16
     * are transposed in registers and the rows and columns beyond them element by element: at
     * 49 x 49 about twice as fast as all element by element.
     */
    static void transpose(float[] from, int off, int stride, float[] to, int rows, int cols) {
        int tiledRows = LANES == 16 ? rows & ~15 : 0;
        int tiledCols = LANES == 16 ? cols & ~15 : 0;
        for (int r = 0; r < tiledRows; r += 16) {
            for (int col = 0; col < tiledCols; col += 16) {
                transposeTile16(from, off + r * stride + col, stride, to, col * rows + r, rows);
            }
        }
        // the tiles' rows beyond their columns, then the rows below the tiles whole
        for (int r = 0; r < rows; r++) {
            for (int col = r < tiledRows ? tiledCols : 0; col < cols; col++) {
                to[col * rows + r] = from[off + r * stride + col];
            }
        }
    }

    /** Lane l of {@code SWAP_SHUFFLES[s]} reads lane {@code l ^ w}, w = 8 >> s; {@code SWAP_HIGH[s]} has the lanes with bit w set. */
    private static final VectorShuffle<Float>[] SWAP_SHUFFLES = swapShuffles();
    private static final VectorMask<Float>[] SWAP_HIGH = swapHigh();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] swapShuffles() {
        VectorShuffle<Float>[] out = new VectorShuffle[4];
        for (int s = 0; s < 4; s++) {
            int w = 8 >> s;
            out[s] = VectorShuffle.fromOp(F, l -> (l ^ w) % LANES);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] swapHigh() {
        VectorMask<Float>[] out = new VectorMask[4];
        for (int s = 0; s < 4; s++) {
            boolean[] bits = new boolean[LANES];
            for (int l = 0; l < LANES; l++) {
                bits[l] = (l & (8 >> s)) != 0;
            }
            out[s] = VectorMask.fromArray(F, bits, 0);
        }
        return out;
    }

    /**
     * The 16 x 16 tile at {@code from[f]} (rows {@code stride} apart) transposed into {@code to[t]}
     * (rows {@code toStride} apart). Stage s = 0..3 swaps the off-diagonal w x w blocks (w = 8 >> s)
     * of every 2w x 2w block: a row x with bit w clear keeps its lanes without bit w and takes the
     * others from its partner y = x + w, moved down by w; y takes x's moved up. Written out in
     * locals, which C2 keeps in registers (an array of vectors, or helper methods, run ~10x slower:
     * the vectors are then boxed).
     */
    private static void transposeTile16(float[] from, int f, int stride, float[] to, int t, int toStride) {
        FloatVector a0 = FloatVector.fromArray(F, from, f + 0 * stride);
        FloatVector a1 = FloatVector.fromArray(F, from, f + 1 * stride);
        FloatVector a2 = FloatVector.fromArray(F, from, f + 2 * stride);
        FloatVector a3 = FloatVector.fromArray(F, from, f + 3 * stride);
        FloatVector a4 = FloatVector.fromArray(F, from, f + 4 * stride);
        FloatVector a5 = FloatVector.fromArray(F, from, f + 5 * stride);
        FloatVector a6 = FloatVector.fromArray(F, from, f + 6 * stride);
        FloatVector a7 = FloatVector.fromArray(F, from, f + 7 * stride);
        FloatVector a8 = FloatVector.fromArray(F, from, f + 8 * stride);
        FloatVector a9 = FloatVector.fromArray(F, from, f + 9 * stride);
        FloatVector a10 = FloatVector.fromArray(F, from, f + 10 * stride);
        FloatVector a11 = FloatVector.fromArray(F, from, f + 11 * stride);
        FloatVector a12 = FloatVector.fromArray(F, from, f + 12 * stride);
        FloatVector a13 = FloatVector.fromArray(F, from, f + 13 * stride);
        FloatVector a14 = FloatVector.fromArray(F, from, f + 14 * stride);
        FloatVector a15 = FloatVector.fromArray(F, from, f + 15 * stride);
        VectorShuffle<Float> s8 = SWAP_SHUFFLES[0];
        VectorMask<Float> h8 = SWAP_HIGH[0];
        FloatVector b0 = a0.blend(a8.rearrange(s8), h8);
        FloatVector b8 = a0.rearrange(s8).blend(a8, h8);
        FloatVector b1 = a1.blend(a9.rearrange(s8), h8);
        FloatVector b9 = a1.rearrange(s8).blend(a9, h8);
        FloatVector b2 = a2.blend(a10.rearrange(s8), h8);
        FloatVector b10 = a2.rearrange(s8).blend(a10, h8);
        FloatVector b3 = a3.blend(a11.rearrange(s8), h8);
        FloatVector b11 = a3.rearrange(s8).blend(a11, h8);
        FloatVector b4 = a4.blend(a12.rearrange(s8), h8);
        FloatVector b12 = a4.rearrange(s8).blend(a12, h8);
        FloatVector b5 = a5.blend(a13.rearrange(s8), h8);
        FloatVector b13 = a5.rearrange(s8).blend(a13, h8);
        FloatVector b6 = a6.blend(a14.rearrange(s8), h8);
        FloatVector b14 = a6.rearrange(s8).blend(a14, h8);
        FloatVector b7 = a7.blend(a15.rearrange(s8), h8);
        FloatVector b15 = a7.rearrange(s8).blend(a15, h8);
        VectorShuffle<Float> s4 = SWAP_SHUFFLES[1];
        VectorMask<Float> h4 = SWAP_HIGH[1];
        FloatVector c0 = b0.blend(b4.rearrange(s4), h4);
        FloatVector c4 = b0.rearrange(s4).blend(b4, h4);
        FloatVector c1 = b1.blend(b5.rearrange(s4), h4);
        FloatVector c5 = b1.rearrange(s4).blend(b5, h4);
        FloatVector c2 = b2.blend(b6.rearrange(s4), h4);
        FloatVector c6 = b2.rearrange(s4).blend(b6, h4);
        FloatVector c3 = b3.blend(b7.rearrange(s4), h4);
        FloatVector c7 = b3.rearrange(s4).blend(b7, h4);
        FloatVector c8 = b8.blend(b12.rearrange(s4), h4);
        FloatVector c12 = b8.rearrange(s4).blend(b12, h4);
        FloatVector c9 = b9.blend(b13.rearrange(s4), h4);
        FloatVector c13 = b9.rearrange(s4).blend(b13, h4);
        FloatVector c10 = b10.blend(b14.rearrange(s4), h4);
        FloatVector c14 = b10.rearrange(s4).blend(b14, h4);
        FloatVector c11 = b11.blend(b15.rearrange(s4), h4);
        FloatVector c15 = b11.rearrange(s4).blend(b15, h4);
        VectorShuffle<Float> s2 = SWAP_SHUFFLES[2];
        VectorMask<Float> h2 = SWAP_HIGH[2];
        FloatVector d0 = c0.blend(c2.rearrange(s2), h2);
        FloatVector d2 = c0.rearrange(s2).blend(c2, h2);
        FloatVector d1 = c1.blend(c3.rearrange(s2), h2);
        FloatVector d3 = c1.rearrange(s2).blend(c3, h2);
        FloatVector d4 = c4.blend(c6.rearrange(s2), h2);
        FloatVector d6 = c4.rearrange(s2).blend(c6, h2);
        FloatVector d5 = c5.blend(c7.rearrange(s2), h2);
        FloatVector d7 = c5.rearrange(s2).blend(c7, h2);
        FloatVector d8 = c8.blend(c10.rearrange(s2), h2);
        FloatVector d10 = c8.rearrange(s2).blend(c10, h2);
        FloatVector d9 = c9.blend(c11.rearrange(s2), h2);
        FloatVector d11 = c9.rearrange(s2).blend(c11, h2);
        FloatVector d12 = c12.blend(c14.rearrange(s2), h2);
        FloatVector d14 = c12.rearrange(s2).blend(c14, h2);
        FloatVector d13 = c13.blend(c15.rearrange(s2), h2);
        FloatVector d15 = c13.rearrange(s2).blend(c15, h2);
        VectorShuffle<Float> s1 = SWAP_SHUFFLES[3];
        VectorMask<Float> h1 = SWAP_HIGH[3];
        FloatVector e0 = d0.blend(d1.rearrange(s1), h1);
        FloatVector e1 = d0.rearrange(s1).blend(d1, h1);
        FloatVector e2 = d2.blend(d3.rearrange(s1), h1);
        FloatVector e3 = d2.rearrange(s1).blend(d3, h1);
        FloatVector e4 = d4.blend(d5.rearrange(s1), h1);
        FloatVector e5 = d4.rearrange(s1).blend(d5, h1);
        FloatVector e6 = d6.blend(d7.rearrange(s1), h1);
        FloatVector e7 = d6.rearrange(s1).blend(d7, h1);
        FloatVector e8 = d8.blend(d9.rearrange(s1), h1);
        FloatVector e9 = d8.rearrange(s1).blend(d9, h1);
        FloatVector e10 = d10.blend(d11.rearrange(s1), h1);
        FloatVector e11 = d10.rearrange(s1).blend(d11, h1);
        FloatVector e12 = d12.blend(d13.rearrange(s1), h1);
        FloatVector e13 = d12.rearrange(s1).blend(d13, h1);
        FloatVector e14 = d14.blend(d15.rearrange(s1), h1);
        FloatVector e15 = d14.rearrange(s1).blend(d15, h1);
        e0.intoArray(to, t + 0 * toStride);
        e1.intoArray(to, t + 1 * toStride);
        e2.intoArray(to, t + 2 * toStride);
        e3.intoArray(to, t + 3 * toStride);
        e4.intoArray(to, t + 4 * toStride);
        e5.intoArray(to, t + 5 * toStride);
        e6.intoArray(to, t + 6 * toStride);
        e7.intoArray(to, t + 7 * toStride);
        e8.intoArray(to, t + 8 * toStride);
        e9.intoArray(to, t + 9 * toStride);
        e10.intoArray(to, t + 10 * toStride);
        e11.intoArray(to, t + 11 * toStride);
        e12.intoArray(to, t + 12 * toStride);
        e13.intoArray(to, t + 13 * toStride);
        e14.intoArray(to, t + 14 * toStride);
        e15.intoArray(to, t + 15 * toStride);
    }

    /** {@link #matmul} element by element, for rows shorter than a vector; {@code b(p, j) = b[bOff + p * bRow + j * bCol]}. */
    static void matmulScalar(float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int bRow, int bCol,
                             float[] c, int cOff, int cRow, int m, int k, int n) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[aOff + i * aRow + p * aCol], b[bOff + p * bRow + j * bCol], sum);
                }
                c[cOff + i * cRow + j] = sum;
            }
        }
    }

    /** Rows {@code a0, a0 + aRow, ..., a0 + 3 aRow} of {@code a} times 2 vectors of columns of {@code b} from {@code b0}. */
    private static void matmulBlock4x2(float[] a, int a0, int aRow, int aCol, float[] b, int b0, int bRow,
                                       float[] c, int c0, int cRow, int k) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * bRow;
            int ap = a0 + p * aCol;
            FloatVector v0 = FloatVector.fromArray(F, b, bp);
            FloatVector v1 = FloatVector.fromArray(F, b, bp + LANES);
            FloatVector x = FloatVector.broadcast(F, a[ap]);
            c00 = x.fma(v0, c00);
            c01 = x.fma(v1, c01);
            x = FloatVector.broadcast(F, a[ap + aRow]);
            c10 = x.fma(v0, c10);
            c11 = x.fma(v1, c11);
            x = FloatVector.broadcast(F, a[ap + 2 * aRow]);
            c20 = x.fma(v0, c20);
            c21 = x.fma(v1, c21);
            x = FloatVector.broadcast(F, a[ap + 3 * aRow]);
            c30 = x.fma(v0, c30);
            c31 = x.fma(v1, c31);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + LANES);
        c10.intoArray(c, c0 + cRow);
        c11.intoArray(c, c0 + cRow + LANES);
        c20.intoArray(c, c0 + 2 * cRow);
        c21.intoArray(c, c0 + 2 * cRow + LANES);
        c30.intoArray(c, c0 + 3 * cRow);
        c31.intoArray(c, c0 + 3 * cRow + LANES);
    }

    /** {@link #matmulBlock4x2} for one vector of columns. */
    private static void matmulBlock4x1(float[] a, int a0, int aRow, int aCol, float[] b, int b0, int bRow,
                                       float[] c, int c0, int cRow, int k) {
        FloatVector c0v = FloatVector.zero(F);
        FloatVector c1v = c0v;
        FloatVector c2v = c0v;
        FloatVector c3v = c0v;
        for (int p = 0; p < k; p++) {
            int ap = a0 + p * aCol;
            FloatVector v = FloatVector.fromArray(F, b, b0 + p * bRow);
            c0v = FloatVector.broadcast(F, a[ap]).fma(v, c0v);
            c1v = FloatVector.broadcast(F, a[ap + aRow]).fma(v, c1v);
            c2v = FloatVector.broadcast(F, a[ap + 2 * aRow]).fma(v, c2v);
            c3v = FloatVector.broadcast(F, a[ap + 3 * aRow]).fma(v, c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + cRow);
        c2v.intoArray(c, c0 + 2 * cRow);
        c3v.intoArray(c, c0 + 3 * cRow);
    }

    /** Row {@code a0} of {@code a} times one vector of columns of {@code b} from {@code b0}. */
    private static void matmulRowVector(float[] a, int a0, int aCol, float[] b, int b0, int bRow, float[] c, int c0, int k) {
        FloatVector sum = FloatVector.zero(F);
        for (int p = 0; p < k; p++) {
            sum = FloatVector.broadcast(F, a[a0 + p * aCol]).fma(FloatVector.fromArray(F, b, b0 + p * bRow), sum);
        }
        sum.intoArray(c, c0);
    }

    /**
     * {@code c [m, n] = a @ b^T} as dot products of rows read in place from native memory: row i of
     * {@code a} starts at float {@code aRows[i]}, row j of {@code b} at {@code bRows[j]}, both of
     * length {@code k}; {@code c} row-major. For long rows and few of them (a weight's gradient over
     * all tokens), where {@link #matmul} would need {@code b} transposed and the rows copied. Blocks
     * of 4 x 4 rows load each vector once for 4 products; a last block that does not fit is moved
     * back (as in {@link #matmul}).
     */
    static void dotProducts(ByteBuffer a, int[] aRows, ByteBuffer b, int[] bRows, float[] c, int m, int n, int k) {
        if (m < 4 || n < 4) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[i * n + j] = dot(a, aRows[i], b, bRows[j], k);
                }
            }
            return;
        }
        for (int i = 0; i < m; i += 4) {
            int i0 = Math.min(i, m - 4);
            for (int j = 0; j < n; j += 4) {
                dotBlock4x4(a, aRows, i0, b, bRows, Math.min(j, n - 4), c, n, k);
            }
        }
    }

    private static float dot(ByteBuffer a, int a0, ByteBuffer b, int b0, int k) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        int p = 0;
        for (; p + 2 * LANES <= k; p += 2 * LANES) {
            s0 = load(a, a0 + p).fma(load(b, b0 + p), s0);
            s1 = load(a, a0 + p + LANES).fma(load(b, b0 + p + LANES), s1);
        }
        for (; p + LANES <= k; p += LANES) {
            s0 = load(a, a0 + p).fma(load(b, b0 + p), s0);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) {
            sum += a.getFloat(4 * (a0 + p)) * b.getFloat(4 * (b0 + p));
        }
        return sum;
    }

    /** Products of rows {@code i0..i0+3} of {@code a} with rows {@code j0..j0+3} of {@code b}, 16 accumulators. */
    private static void dotBlock4x4(ByteBuffer a, int[] aRows, int i0, ByteBuffer b, int[] bRows, int j0,
                                    float[] c, int n, int k) {
        int a0 = aRows[i0];
        int a1 = aRows[i0 + 1];
        int a2 = aRows[i0 + 2];
        int a3 = aRows[i0 + 3];
        int b0 = bRows[j0];
        int b1 = bRows[j0 + 1];
        int b2 = bRows[j0 + 2];
        int b3 = bRows[j0 + 3];
        FloatVector s00 = FloatVector.zero(F);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s03 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s13 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s22 = s00;
        FloatVector s23 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        FloatVector s32 = s00;
        FloatVector s33 = s00;
        int p = 0;
        for (; p + LANES <= k; p += LANES) {
            FloatVector y0 = load(b, b0 + p);
            FloatVector y1 = load(b, b1 + p);
            FloatVector y2 = load(b, b2 + p);
            FloatVector y3 = load(b, b3 + p);
            FloatVector x = load(a, a0 + p);
            s00 = x.fma(y0, s00);
            s01 = x.fma(y1, s01);
            s02 = x.fma(y2, s02);
            s03 = x.fma(y3, s03);
            x = load(a, a1 + p);
            s10 = x.fma(y0, s10);
            s11 = x.fma(y1, s11);
            s12 = x.fma(y2, s12);
            s13 = x.fma(y3, s13);
            x = load(a, a2 + p);
            s20 = x.fma(y0, s20);
            s21 = x.fma(y1, s21);
            s22 = x.fma(y2, s22);
            s23 = x.fma(y3, s23);
            x = load(a, a3 + p);
            s30 = x.fma(y0, s30);
            s31 = x.fma(y1, s31);
            s32 = x.fma(y2, s32);
            s33 = x.fma(y3, s33);
        }
        int c0 = i0 * n + j0;
        c[c0] = sum(s00, a, a0, b, b0, p, k);
        c[c0 + 1] = sum(s01, a, a0, b, b1, p, k);
        c[c0 + 2] = sum(s02, a, a0, b, b2, p, k);
        c[c0 + 3] = sum(s03, a, a0, b, b3, p, k);
        c[c0 + n] = sum(s10, a, a1, b, b0, p, k);
        c[c0 + n + 1] = sum(s11, a, a1, b, b1, p, k);
        c[c0 + n + 2] = sum(s12, a, a1, b, b2, p, k);
        c[c0 + n + 3] = sum(s13, a, a1, b, b3, p, k);
        c[c0 + 2 * n] = sum(s20, a, a2, b, b0, p, k);
        c[c0 + 2 * n + 1] = sum(s21, a, a2, b, b1, p, k);
        c[c0 + 2 * n + 2] = sum(s22, a, a2, b, b2, p, k);
        c[c0 + 2 * n + 3] = sum(s23, a, a2, b, b3, p, k);
        c[c0 + 3 * n] = sum(s30, a, a3, b, b0, p, k);
        c[c0 + 3 * n + 1] = sum(s31, a, a3, b, b1, p, k);
        c[c0 + 3 * n + 2] = sum(s32, a, a3, b, b2, p, k);
        c[c0 + 3 * n + 3] = sum(s33, a, a3, b, b3, p, k);
    }

    /** A dot product's vector of partial sums, plus its elements {@code from .. k - 1} beyond whole vectors. */
    private static float sum(FloatVector partial, ByteBuffer a, int a0, ByteBuffer b, int b0, int from, int k) {
        float sum = partial.reduceLanes(VectorOperators.ADD);
        for (int p = from; p < k; p++) {
            sum += a.getFloat(4 * (a0 + p)) * b.getFloat(4 * (b0 + p));
        }
        return sum;
    }

    /** {@code y = x * sigmoid(x)} over {@code n} elements. */
    static void silu(ByteBuffer x, ByteBuffer y, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, i);
            store(v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)), y, i);
        }
        for (; i < n; i++) {
            float v = x.getFloat(4 * i);
            y.putFloat(4 * i, v / (1f + (float) Math.exp(-v)));
        }
    }

    /** {@code dx = dy * silu'(x)}, {@code silu'(x) = s (1 + x (1 - s))} with {@code s = sigmoid(x)}. */
    static void siluGradient(ByteBuffer x, ByteBuffer dy, ByteBuffer dx, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            FloatVector v = load(x, i);
            FloatVector s = FloatVector.broadcast(F, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            store(load(dy, i).mul(s).mul(v.mul(s.neg().add(1f)).add(1f)), dx, i);
        }
        for (; i < n; i++) {
            float v = x.getFloat(4 * i);
            float s = 1f / (1f + (float) Math.exp(-v));
            dx.putFloat(4 * i, dy.getFloat(4 * i) * s * (1f + v * (1f - s)));
        }
    }

    /**
     * The mLSTM's decayed scores for {@code sequences} sequences of length {@code len}: {@code
     * scores[x, i, j] = qk[x, i, j] * exp((rowLog[x, i] - cum[x, j]) + ig[x, j])} inside the causal
     * triangle ({@code j <= i}, or {@code j >= i} in reverse), 0 outside, and {@code rowSums[x, i]}
     * the sum of row i. The exponent is added up in that order, as the ND4J graph does.
     */
    static void decayedScores(ByteBuffer qk, ByteBuffer rowLog, ByteBuffer cum, ByteBuffer ig,
                              ByteBuffer scores, ByteBuffer rowSums, int sequences, int len, boolean reverse) {
        for (int x = 0; x < sequences; x++) {
            int seq = x * len;
            for (int i = 0; i < len; i++) {
                int row = (seq + i) * len;
                float a = rowLog.getFloat(4 * (seq + i));
                float sum = 0f;
                if (len < LANES) {
                    for (int j = 0; j < len; j++) {
                        float c = inTriangle(i, j, reverse)
                                ? qk.getFloat(4 * (row + j)) * (float) Math.exp((a - cum.getFloat(4 * (seq + j))) + ig.getFloat(4 * (seq + j)))
                                : 0f;
                        scores.putFloat(4 * (row + j), c);
                        sum += c;
                    }
                } else {
                    FloatVector sums = FloatVector.zero(F);
                    for (int j0 = 0; j0 < len; j0 += LANES) {
                        int j = Math.min(j0, len - LANES);
                        VectorMask<Float> keep = triangle(i, j, reverse);
                        FloatVector d = FloatVector.broadcast(F, a).sub(load(cum, seq + j)).add(load(ig, seq + j))
                                .lanewise(VectorOperators.EXP);
                        // outside the triangle exp may overflow: blend after the product, not before
                        FloatVector c = FloatVector.zero(F).blend(load(qk, row + j).mul(d), keep);
                        store(c, scores, row + j);
                        sums = sums.add(c, fresh(j0, j));
                    }
                    sum = sums.reduceLanes(VectorOperators.ADD);
                }
                rowSums.putFloat(4 * (seq + i), sum);
            }
        }
    }

    /**
     * The gradients of {@link #decayedScores} from those of its scores ({@code dScores}) and row sums
     * ({@code dRowSums}): with {@code t = dScores[i, j] + dRowSums[i]} and {@code D} the decay,
     * {@code dQk = t D}, and {@code u = t qk D} summed over j into {@code dRowLog[i]}, over i into
     * {@code dIg[j]} and, negated, into {@code dCum[j]}. The decay is computed again rather than
     * kept from the forward pass (exp is cheaper here than another [X, S, S] array in memory).
     */
    static void decayedScoresGradient(ByteBuffer qk, ByteBuffer rowLog, ByteBuffer cum, ByteBuffer ig,
                                      ByteBuffer dScores, ByteBuffer dRowSums,
                                      ByteBuffer dQk, ByteBuffer dRowLog, ByteBuffer dCum, ByteBuffer dIg,
                                      int sequences, int len, boolean reverse) {
        float[] columns = new float[Math.max(len, LANES)];
        for (int x = 0; x < sequences; x++) {
            int seq = x * len;
            java.util.Arrays.fill(columns, 0f);
            for (int i = 0; i < len; i++) {
                int row = (seq + i) * len;
                float a = rowLog.getFloat(4 * (seq + i));
                float dRow = dRowSums.getFloat(4 * (seq + i));
                float rowSum = 0f;
                if (len < LANES) {
                    for (int j = 0; j < len; j++) {
                        float dq = 0f;
                        if (inTriangle(i, j, reverse)) {
                            float d = (float) Math.exp((a - cum.getFloat(4 * (seq + j))) + ig.getFloat(4 * (seq + j)));
                            float t = dScores.getFloat(4 * (row + j)) + dRow;
                            dq = t * d;
                            float u = dq * qk.getFloat(4 * (row + j));
                            rowSum += u;
                            columns[j] += u;
                        }
                        dQk.putFloat(4 * (row + j), dq);
                    }
                } else {
                    FloatVector rowSums = FloatVector.zero(F);
                    for (int j0 = 0; j0 < len; j0 += LANES) {
                        int j = Math.min(j0, len - LANES);
                        VectorMask<Float> keep = triangle(i, j, reverse);
                        FloatVector d = FloatVector.broadcast(F, a).sub(load(cum, seq + j)).add(load(ig, seq + j))
                                .lanewise(VectorOperators.EXP);
                        FloatVector dq = FloatVector.zero(F).blend(load(dScores, row + j).add(dRow).mul(d), keep);
                        store(dq, dQk, row + j);
                        // lanes outside the triangle are 0 in dq, so they add nothing
                        FloatVector u = dq.mul(load(qk, row + j));
                        VectorMask<Float> fresh = fresh(j0, j);
                        rowSums = rowSums.add(u, fresh);
                        FloatVector.fromArray(F, columns, j).add(u, fresh).intoArray(columns, j);
                    }
                    rowSum = rowSums.reduceLanes(VectorOperators.ADD);
                }
                dRowLog.putFloat(4 * (seq + i), rowSum);
            }
            for (int j = 0; j < len; j++) {
                dIg.putFloat(4 * (seq + j), columns[j]);
                dCum.putFloat(4 * (seq + j), -columns[j]);
            }
        }
    }

    /** {@code y[r, k] = x[r, k] + b[r]} for {@code x [rows, cols]}. */
    static void addRowBias(ByteBuffer x, ByteBuffer b, ByteBuffer y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            float bias = b.getFloat(4 * r);
            FloatVector bv = FloatVector.broadcast(F, bias);
            int row = r * cols;
            int k = 0;
            for (int bound = F.loopBound(cols); k < bound; k += LANES) {
                store(load(x, row + k).add(bv), y, row + k);
            }
            for (; k < cols; k++) {
                y.putFloat(4 * (row + k), x.getFloat(4 * (row + k)) + bias);
            }
        }
    }

    /** {@code out[r, c] = x[r, c] + y[r, c] + b[c]} for {@code x, y [rows, cols]}. */
    static void addWithColumnBias(ByteBuffer x, ByteBuffer y, ByteBuffer b, ByteBuffer out, int rows, int cols) {
        float[] bias = new float[cols];
        for (int c = 0; c < cols; c++) {
            bias[c] = b.getFloat(4 * c);
        }
        int bound = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            int c = 0;
            for (; c < bound; c += LANES) {
                store(load(x, row + c).add(load(y, row + c)).add(FloatVector.fromArray(F, bias, c)), out, row + c);
            }
            for (; c < cols; c++) {
                out.putFloat(4 * (row + c), x.getFloat(4 * (row + c)) + y.getFloat(4 * (row + c)) + bias[c]);
            }
        }
    }

    /** {@code sums[c] = sum_r x[r, c]} for {@code x [rows, cols]}. */
    static void columnSums(ByteBuffer x, ByteBuffer sums, int rows, int cols) {
        float[] acc = new float[cols];
        int bound = F.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            int c = 0;
            for (; c < bound; c += LANES) {
                FloatVector.fromArray(F, acc, c).add(load(x, row + c)).intoArray(acc, c);
            }
            for (; c < cols; c++) {
                acc[c] += x.getFloat(4 * (row + c));
            }
        }
        for (int c = 0; c < cols; c++) {
            sums.putFloat(4 * c, acc[c]);
        }
    }

    /** {@code sums[r] = sum_k x[r, k]} for {@code x [rows, cols]}. */
    static void rowSums(ByteBuffer x, ByteBuffer sums, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            FloatVector acc = FloatVector.zero(F);
            int k = 0;
            for (int bound = F.loopBound(cols); k < bound; k += LANES) {
                acc = acc.add(load(x, row + k));
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                sum += x.getFloat(4 * (row + k));
            }
            sums.putFloat(4 * r, sum);
        }
    }

    /** {@code y[r, k] = x[r, k] * v[r]} for {@code x [rows, cols]}. */
    static void scaleRows(ByteBuffer x, ByteBuffer v, ByteBuffer y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            float scale = v.getFloat(4 * r);
            FloatVector sv = FloatVector.broadcast(F, scale);
            int row = r * cols;
            int k = 0;
            for (int bound = F.loopBound(cols); k < bound; k += LANES) {
                store(load(x, row + k).mul(sv), y, row + k);
            }
            for (; k < cols; k++) {
                y.putFloat(4 * (row + k), x.getFloat(4 * (row + k)) * scale);
            }
        }
    }

    /** The gradients of {@link #scaleRows}: {@code dx[r, k] = dy[r, k] v[r]}, {@code dv[r] = sum_k dy[r, k] x[r, k]}. */
    static void scaleRowsGradient(ByteBuffer x, ByteBuffer v, ByteBuffer dy, ByteBuffer dx, ByteBuffer dv, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            float scale = v.getFloat(4 * r);
            FloatVector sv = FloatVector.broadcast(F, scale);
            FloatVector acc = FloatVector.zero(F);
            int row = r * cols;
            int k = 0;
            for (int bound = F.loopBound(cols); k < bound; k += LANES) {
                FloatVector g = load(dy, row + k);
                store(g.mul(sv), dx, row + k);
                acc = g.fma(load(x, row + k), acc);
            }
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; k < cols; k++) {
                float g = dy.getFloat(4 * (row + k));
                dx.putFloat(4 * (row + k), g * scale);
                sum += g * x.getFloat(4 * (row + k));
            }
            dv.putFloat(4 * r, sum);
        }
    }

    /**
     * Layer norm without scale and shift over the rows of {@code x [rows, width]}: {@code y = (x -
     * mean) / sqrt(var + eps_r)} (biased variance), {@code eps_r = eps + epsRows[r]} ({@code epsRows}
     * may be null).
     */
    static void standardizeRows(ByteBuffer x, ByteBuffer epsRows, float eps, ByteBuffer y, int rows, int width) {
        float[] stats = new float[2];
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            rowStatistics(x, row, width, eps + (epsRows == null ? 0f : epsRows.getFloat(4 * r)), stats);
            FloatVector mean = FloatVector.broadcast(F, stats[0]);
            FloatVector inv = FloatVector.broadcast(F, stats[1]);
            int k = 0;
            for (int bound = F.loopBound(width); k < bound; k += LANES) {
                store(load(x, row + k).sub(mean).mul(inv), y, row + k);
            }
            for (; k < width; k++) {
                y.putFloat(4 * (row + k), (x.getFloat(4 * (row + k)) - stats[0]) * stats[1]);
            }
        }
    }

    /**
     * The gradients of {@link #standardizeRows}, its statistics computed again: {@code dx = inv (dy -
     * mean(dy) - y mean(dy y))}, and where {@code dEpsRows} is given {@code dEps_r = -inv^2 / 2 sum(dy
     * y)}.
     */
    static void standardizeRowsGradient(ByteBuffer x, ByteBuffer epsRows, float eps, ByteBuffer dy,
                                        ByteBuffer dx, ByteBuffer dEpsRows, int rows, int width) {
        float[] stats = new float[2];
        for (int r = 0; r < rows; r++) {
            int row = r * width;
            rowStatistics(x, row, width, eps + (epsRows == null ? 0f : epsRows.getFloat(4 * r)), stats);
            float mean = stats[0];
            float inv = stats[1];
            FloatVector meanV = FloatVector.broadcast(F, mean);
            FloatVector invV = FloatVector.broadcast(F, inv);
            FloatVector gSum = FloatVector.zero(F);
            FloatVector gySum = FloatVector.zero(F);
            int k = 0;
            int bound = F.loopBound(width);
            for (; k < bound; k += LANES) {
                FloatVector g = load(dy, row + k);
                gSum = gSum.add(g);
                gySum = g.fma(load(x, row + k).sub(meanV).mul(invV), gySum);
            }
            float sumG = gSum.reduceLanes(VectorOperators.ADD);
            float sumGy = gySum.reduceLanes(VectorOperators.ADD);
            for (; k < width; k++) {
                float g = dy.getFloat(4 * (row + k));
                sumG += g;
                sumGy += g * (x.getFloat(4 * (row + k)) - mean) * inv;
            }
            float meanG = sumG / width;
            float meanGy = sumGy / width;
            FloatVector meanGV = FloatVector.broadcast(F, meanG);
            FloatVector meanGyV = FloatVector.broadcast(F, meanGy);
            for (k = 0; k < bound; k += LANES) {
                FloatVector yv = load(x, row + k).sub(meanV).mul(invV);
                store(load(dy, row + k).sub(meanGV).sub(yv.mul(meanGyV)).mul(invV), dx, row + k);
            }
            for (; k < width; k++) {
                float yk = (x.getFloat(4 * (row + k)) - mean) * inv;
                dx.putFloat(4 * (row + k), (dy.getFloat(4 * (row + k)) - meanG - yk * meanGy) * inv);
            }
            if (dEpsRows != null) {
                dEpsRows.putFloat(4 * r, -0.5f * inv * inv * sumGy);
            }
        }
    }

    /** {@code stats = {mean, 1 / sqrt(var + eps)}} of row {@code x[row, row + width)}: mean first, then the centred squares. */
    private static void rowStatistics(ByteBuffer x, int row, int width, float eps, float[] stats) {
        int bound = F.loopBound(width);
        FloatVector acc = FloatVector.zero(F);
        int k = 0;
        for (; k < bound; k += LANES) {
            acc = acc.add(load(x, row + k));
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; k < width; k++) {
            sum += x.getFloat(4 * (row + k));
        }
        float mean = sum / width;
        FloatVector meanV = FloatVector.broadcast(F, mean);
        FloatVector sq = FloatVector.zero(F);
        for (k = 0; k < bound; k += LANES) {
            FloatVector c = load(x, row + k).sub(meanV);
            sq = c.fma(c, sq);
        }
        float squares = sq.reduceLanes(VectorOperators.ADD);
        for (; k < width; k++) {
            float c = x.getFloat(4 * (row + k)) - mean;
            squares += c * c;
        }
        stats[0] = mean;
        stats[1] = (float) (1.0 / Math.sqrt(squares / width + eps));
    }

    /**
     * Prefix maxima along the rows of {@code x [rows, len]} ({@code m[r, i] = max_{j <= i} x[r, j]}),
     * suffix maxima in reverse ({@code j >= i}). Scalar: the rows are short (one per head and image).
     */
    static void runningMax(ByteBuffer x, ByteBuffer m, int rows, int len, boolean reverse) {
        for (int r = 0; r < rows; r++) {
            int row = r * len;
            float max = Float.NEGATIVE_INFINITY;
            for (int step = 0; step < len; step++) {
                int i = reverse ? len - 1 - step : step;
                max = Math.max(max, x.getFloat(4 * (row + i)));
                m.putFloat(4 * (row + i), max);
            }
        }
    }

    /**
     * The gradient of {@link #runningMax}: each {@code dm[r, i]} goes to the position of its maximum,
     * the one nearest to i among equal values (as a chain of pairwise maxima that prefers its first,
     * nearer argument passes it on).
     */
    static void runningMaxGradient(ByteBuffer x, ByteBuffer dm, ByteBuffer dx, int rows, int len, boolean reverse) {
        for (int r = 0; r < rows; r++) {
            int row = r * len;
            for (int i = 0; i < len; i++) {
                dx.putFloat(4 * (row + i), 0f);
            }
            float max = Float.NEGATIVE_INFINITY;
            int at = -1;
            for (int step = 0; step < len; step++) {
                int i = reverse ? len - 1 - step : step;
                float v = x.getFloat(4 * (row + i));
                if (v >= max || at < 0) {
                    max = v;
                    at = i;
                }
                dx.putFloat(4 * (row + at), dx.getFloat(4 * (row + at)) + dm.getFloat(4 * (row + i)));
            }
        }
    }

    /**
     * Depthwise 3x3 convolution with zero padding over {@code images} grids of {@code gridH x gridW}
     * patches, on channel-major rows {@code x [channels, images * S]} (S = gridH gridW):
     * {@code y[c, q] = bias[c] + sum_t w[c, t] x[c, q + shift_t]} over the taps t = 3 ty + tx whose
     * neighbour, offset by {@code sign (ty - 1, tx - 1)} in the grid (sign -1 in reverse), lies in
     * q's grid. {@code bias} may be null (no bias).
     *
     * <p>A channel's row is taken whole, all images at once, each tap as the row shifted by its
     * offset times a 0/1 mask of the positions whose neighbour is in their grid ({@link TapMasks}):
     * so the vector loop needs no edge cases, only the first and last {@code gridW + 1} positions
     * (whose shifted reads could leave the row) are computed one by one.
     */
    static void depthwiseConv3x3(ByteBuffer x, ByteBuffer w, ByteBuffer bias, ByteBuffer y, int channels, int images,
                                 int gridH, int gridW, boolean reverse) {
        int n = images * gridH * gridW;
        TapMasks taps = TapMasks.of(images, gridH, gridW, reverse);
        int margin = Math.min(gridW + 1, n);
        float[] weights = new float[9];
        float[] xs = new float[n];
        int[] shifts = taps.shifts;
        float[][] masks = taps.masks;
        for (int c = 0; c < channels; c++) {
            float b = bias == null ? 0f : bias.getFloat(4 * c);
            for (int t = 0; t < 9; t++) {
                weights[t] = w.getFloat(4 * (9 * c + t));
            }
            int row = c * n;
            rowOf(x, row, xs);
            FloatVector bv = FloatVector.broadcast(F, b);
            int q = margin;
            for (; q + LANES <= n - margin; q += LANES) {
                FloatVector acc = bv;
                for (int t = 0; t < 9; t++) {
                    FloatVector neighbours = FloatVector.fromArray(F, xs, q + shifts[t]).mul(FloatVector.fromArray(F, masks[t], q));
                    acc = neighbours.fma(FloatVector.broadcast(F, weights[t]), acc);
                }
                store(acc, y, row + q);
            }
            for (int p = 0; p < margin; p++) {
                y.putFloat(4 * (row + p), b + taps.sumAt(xs, p, weights));
            }
            for (int p = q; p < n; p++) {
                y.putFloat(4 * (row + p), b + taps.sumAt(xs, p, weights));
            }
        }
    }

    /**
     * The gradients of {@link #depthwiseConv3x3}: {@code dx} is the convolution of {@code dy} with the
     * mirrored offsets; {@code dw[c, t] = sum_q dy[c, q] x[c, q + shift_t]} over q whose tap-t
     * neighbour is in the grid; {@code dbias[c]} the sums of dy's row c.
     */
    static void depthwiseConv3x3Gradient(ByteBuffer x, ByteBuffer w, ByteBuffer dy, ByteBuffer dx, ByteBuffer dw,
                                         ByteBuffer dbias, int channels, int images, int gridH, int gridW,
                                         boolean reverse) {
        depthwiseConv3x3(dy, w, null, dx, channels, images, gridH, gridW, !reverse);
        int n = images * gridH * gridW;
        TapMasks taps = TapMasks.of(images, gridH, gridW, reverse);
        float[] xs = new float[n];
        float[] gs = new float[n];
        for (int c = 0; c < channels; c++) {
            int row = c * n;
            rowOf(x, row, xs);
            rowOf(dy, row, gs);
            for (int t = 0; t < 9; t++) {
                int shift = taps.shifts[t];
                float[] mask = taps.masks[t];
                // the positions whose shifted read stays in the row (the mask is 0 outside anyway)
                int from = Math.max(0, -shift);
                int to = Math.min(n, n - shift);
                FloatVector acc = FloatVector.zero(F);
                int q = from;
                for (; q + LANES <= to; q += LANES) {
                    FloatVector neighbours = FloatVector.fromArray(F, xs, q + shift).mul(FloatVector.fromArray(F, mask, q));
                    acc = neighbours.fma(FloatVector.fromArray(F, gs, q), acc);
                }
                float sum = acc.reduceLanes(VectorOperators.ADD);
                for (; q < to; q++) {
                    sum += mask[q] * gs[q] * xs[q + shift];
                }
                dw.putFloat(4 * (9 * c + t), sum);
            }
        }
        rowSums(dy, dbias, channels, n);
    }

    /**
     * Floats {@code [from, from + into.length)} of {@code a} into a Java array: the conv's vector
     * loops read each element nine times, and Java arrays are faster to load from than native memory.
     */
    private static void rowOf(ByteBuffer a, int from, float[] into) {
        a.asFloatBuffer().get(from, into, 0, into.length);
    }

    /**
     * Per tap t = 3 ty + tx of a 3x3 conv over a channel row of {@code images} grids: the offset of
     * its neighbour in the row, and a 0/1 mask over the row, 1 where that neighbour is in the
     * position's own grid (not off its edge, not in the next image, not wrapped to another row).
     */
    private record TapMasks(int[] shifts, float[][] masks) {
        static TapMasks of(int images, int gridH, int gridW, boolean reverse) {
            int seq = gridH * gridW;
            int sign = reverse ? -1 : 1;
            int[] shifts = new int[9];
            float[][] masks = new float[9][images * seq];
            for (int t = 0; t < 9; t++) {
                int dy = sign * (t / 3 - 1);
                int dx = sign * (t % 3 - 1);
                shifts[t] = dy * gridW + dx;
                for (int p = 0; p < seq; p++) {
                    int r = p / gridW + dy;
                    int col = p % gridW + dx;
                    if (r >= 0 && r < gridH && col >= 0 && col < gridW) {
                        for (int image = 0; image < images; image++) {
                            masks[t][image * seq + p] = 1f;
                        }
                    }
                }
            }
            return new TapMasks(shifts, masks);
        }

        /** {@code sum_t weights[t] row[p + shift_t]} over the taps whose neighbour is in p's grid (nothing else is read). */
        float sumAt(float[] row, int p, float[] weights) {
            float sum = 0f;
            for (int t = 0; t < 9; t++) {
                if (masks[t][p] != 0f) {
                    sum += weights[t] * row[p + shifts[t]];
                }
            }
            return sum;
        }
    }

    private static boolean inTriangle(int i, int j, boolean reverse) {
        return reverse ? j >= i : j <= i;
    }

    /**
     * Lanes {@code j, j + 1, ...} inside the causal triangle of row {@code i}. Each branch names its
     * operator: C2 compiles a vector op to machine code only when its operator is a constant (a
     * {@code reverse ? GE : LE} operand made the whole loop 3-4x slower).
     */
    private static VectorMask<Float> triangle(int i, int j, boolean reverse) {
        FloatVector column = FloatVector.fromArray(F, LANE_INDEX, 0).add((float) j);
        return reverse ? column.compare(VectorOperators.GE, (float) i) : column.compare(VectorOperators.LE, (float) i);
    }

    /**
     * The lanes of a vector read at {@code j} that the one before it did not cover: all of them,
     * except for a row's last vector moved back from {@code j0} to {@code j} to stay inside the row.
     */
    private static VectorMask<Float> fresh(int j0, int j) {
        return FloatVector.fromArray(F, LANE_INDEX, 0).compare(VectorOperators.GE, j0 - j);
    }
}
