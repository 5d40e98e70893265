package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The fused Java kernels against ND4J's ops, forwards and backwards, in float32: the same graph is
 * built with either, the Java one run by {@link FixedGraphSession}, and every output and input
 * gradient compared relative to its largest value (ND4J's graph is the one the gradient checks and
 * the reference cases cover).
 */
class ElementwiseKernelsTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void theTestJvmRunsTheJavaKernels() {
        // the pom gives the test JVM the vector API: without it every comparison here would be ND4J vs ND4J
        assertTrue(ElementwiseKernels.javaAvailable(), "jdk.incubator.vector missing from the test JVM");
        assertEquals(ElementwiseKernels.JAVA, ElementwiseKernels.forGraphPool(DataType.FLOAT));
        assertEquals(ElementwiseKernels.ND4J, ElementwiseKernels.forGraphPool(DataType.DOUBLE));
        // on a GPU backend the Java ops would work on stale host copies of the arrays
        assertEquals(ElementwiseKernels.ND4J, ElementwiseKernels.forGraphPool(DataType.FLOAT, false));
    }

    @Test
    void siluAndItsGradientMatchNd4j() {
        // past the vector loop's end (1003 is no multiple of the lanes); large values (ND4J's own
        // derivative turns NaN beyond ~44, where exp(x)^2 overflows)
        INDArray x = randn(new Random(1), 3.0, 1003);
        x.putScalar(0, 40f);
        x.putScalar(1, -40f);
        x.putScalar(2, 0f);
        INDArray weights = randn(new Random(2), 1.0, 1003);
        compare(Map.of("x", x), (sd, k) -> k.silu(sd, sd.getVariable("x")).mul(sd.constant(weights)));
    }

    /** Rows of 1003 columns (a scalar tail after the vector loop), as the blocks' channel-major activations. */
    @Test
    void rowBiasAndRowScaleMatchNd4j() {
        Random random = new Random(3);
        INDArray weights = randn(random, 1.0, 5, 1003);
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("x", randn(random, 2.0, 5, 1003));
        in.put("b", randn(random, 1.0, 5));
        in.put("v", randn(random, 1.0, 5));
        compare(in, (sd, k) -> {
            SDVariable x = sd.getVariable("x");
            SDVariable onesRow = sd.constant(Nd4j.ones(DataType.FLOAT, 1, 1003));
            // x used twice: its gradient adds up from the bias's pass-through and the scale's
            SDVariable y = k.addRowBias(sd, x, sd.getVariable("b")).add(k.scaleRows(sd, x, sd.getVariable("v"), onesRow));
            return y.mul(sd.constant(weights));
        });
    }

    /**
     * The depthwise conv on channel-major rows against ND4J's forms (dense up to 64 patches, oneDNN's
     * conv beyond): grids narrower than a vector, ViL-T's 14 x 14, single rows and columns (every
     * column neighbour off the grid), both directions; output and the gradients of x, weight, bias.
     */
    @ParameterizedTest(name = "{0} x {1} grid, {2} images, reverse {3}")
    @CsvSource({"3, 4, 2, false", "3, 4, 2, true", "7, 7, 3, true", "14, 14, 2, false", "14, 14, 2, true",
            "1, 9, 2, false", "5, 1, 3, true", "9, 10, 1, false"})
    void depthwiseConvMatchesNd4j(int gridH, int gridW, int images, boolean reverse) {
        Random random = new Random(31L * gridH + gridW + (reverse ? 7 : 0));
        int channels = 6;
        long n = (long) images * gridH * gridW;
        INDArray weights = randn(random, 1.0, channels, n);
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("x", randn(random, 1.0, channels, n));
        in.put("w", randn(random, 1.0, channels, 1, 3, 3));
        in.put("b", randn(random, 1.0, channels));
        compare(in, (sd, k) -> DepthwiseConv.define(sd, sd.getVariable("x"), sd.getVariable("w"), sd.getVariable("b"),
                gridH, gridW, reverse, k).mul(sd.constant(weights)));
    }

    /**
     * Widths below one vector, between multiples and a multiple; with an eps per row (whose gradient
     * the per-head norm needs: it comes from the cell's normaliser) and without.
     */
    @ParameterizedTest(name = "width {0} eps per row {1}")
    @CsvSource({"5, true", "37, true", "64, false", "32, true"})
    void standardizedRowsMatchNd4j(int width, boolean epsPerRow) {
        Random random = new Random(width);
        int rows = 23;
        INDArray weights = randn(random, 1.0, rows, width);
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("x", randn(random, 2.0, rows, width).addi(3.0));
        if (epsPerRow) {
            in.put("epsRows", Transforms.abs(randn(random, 0.5, rows, 1)));
        }
        for (boolean backprop : new boolean[] {true, false}) {
            compare(in, (sd, k) -> k.standardizeRows(sd, sd.getVariable("x"), width,
                    epsPerRow ? sd.getVariable("epsRows") : null, 1e-5, backprop).mul(sd.constant(weights)));
        }
    }

    @ParameterizedTest(name = "reverse {0}")
    @CsvSource({"false", "true"})
    void runningMaximaMatchNd4j(boolean reverse) {
        Random random = new Random(reverse ? 6 : 5);
        INDArray weights = randn(random, 1.0, 9, 49);
        compare(Map.of("x", randn(random, 1.0, 9, 49)),
                (sd, k) -> k.runningMax(sd, sd.getVariable("x"), 49, reverse).mul(sd.constant(weights)));
    }

    @Test
    void residualWithBiasMatchesNd4j() {
        Random random = new Random(7);
        INDArray weights = randn(random, 1.0, 203, 37);
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("x", randn(random, 1.0, 203, 37));
        in.put("y", randn(random, 1.0, 203, 37));
        in.put("b", randn(random, 1.0, 37));
        compare(in, (sd, k) -> k.residualWithBias(sd, sd.getVariable("x"), sd.getVariable("y"), sd.getVariable("b"))
                .mul(sd.constant(weights)));
    }

    /**
     * Products of stacked matrices in all four transpose combinations, forwards and backwards (each
     * gradient is itself such a product): column counts below one vector (scalar loop), between one
     * and two vectors, between multiples (a last block moved back) and a multiple; row counts below
     * the kernel's blocks of 4 rows and ones that leave a remainder; an inner size of 1; stacks of
     * more matrices than one group; {@code b} transposed by whole tiles and the rows and columns
     * beyond them; long inner sizes with {@code b} transposed (dot products) whose results have fewer
     * than 4 columns, and at least 4 rows and columns with remainders.
     */
    @ParameterizedTest(name = "[{0}, {1}, {2}] x [{0}, {2}, {3}] transposed {4} {5}")
    @CsvSource({"3, 7, 5, 37, false, false", "3, 7, 5, 37, false, true", "3, 7, 5, 37, true, false",
            "2, 6, 33, 5, true, true", "4, 49, 32, 49, false, true", "2, 49, 49, 32, false, false",
            "5, 4, 4, 64, false, false", "2, 9, 1, 17, false, false", "2, 5, 300, 3, false, true",
            "3, 2, 7, 37, true, false", "20, 49, 32, 49, true, false", "20, 49, 49, 32, false, true",
            "2, 6, 300, 5, false, true", "3, 4, 256, 4, false, true", "2, 5, 21, 37, false, true"})
    void batchedMatmulMatchesNd4j(int stack, int m, int k, int n, boolean transposeA, boolean transposeB) {
        Random random = new Random(31L * m + 7L * n + k + (transposeA ? 1 : 0) + (transposeB ? 2 : 0));
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("a", transposeA ? randn(random, 1.0, stack, k, m) : randn(random, 1.0, stack, m, k));
        in.put("b", transposeB ? randn(random, 1.0, stack, n, k) : randn(random, 1.0, stack, k, n));
        INDArray weights = randn(random, 1.0, stack, m, n);
        compare(in, (sd, kernels) -> kernels.batchedMatmul(sd, sd.getVariable("a"), sd.getVariable("b"), transposeA, transposeB)
                .mul(sd.constant(weights)));
    }

    /**
     * The parallel cell on channel-major q, k, v: the Java kernels' products on head blocks against
     * ND4J's on per-head sequences (permuted), forwards and in reverse, the numerator and normaliser
     * and the gradients of q, k, v and both gates; a sequence length that is no multiple of the lanes,
     * head sizes below one vector and of two, and more samples than fit in one group of matrices.
     */
    @ParameterizedTest(name = "reverse {0}, head size {1}, {2} samples of {3}")
    @CsvSource({"false, 8, 2, 37", "true, 8, 2, 37", "false, 32, 20, 49"})
    void theCellOnHeadBlocksMatchesNd4j(boolean reverse, int headDim, int samples, int seqLen) {
        Random random = new Random(reverse ? 12 : 11);
        int heads = ViLConfig.CELL_HEADS;
        Map<String, INDArray> in = new LinkedHashMap<>();
        for (String name : new String[] {"q", "k", "v"}) {
            in.put(name, randn(random, 1.0, (long) heads * headDim, (long) samples * seqLen));
        }
        in.put("ig", randn(random, 1.0, (long) heads * samples, seqLen));
        in.put("fg", randn(random, 1.0, (long) heads * samples, seqLen).addi(2.0));
        INDArray weights = randn(random, 1.0, (long) heads * samples, seqLen, headDim);
        INDArray normWeights = randn(random, 1.0, (long) heads * samples, seqLen, 1);
        compare(in, (sd, kernels) -> {
            MLstmCell.Parts parts = ViLBlock.cellParts(sd, MLstmForm.PARALLEL, sd.getVariable("q"), sd.getVariable("k"),
                    sd.getVariable("v"), sd.getVariable("ig"), sd.getVariable("fg"), seqLen, headDim, 16, reverse, kernels);
            return parts.numerator().mul(sd.constant(weights)).sum().add(parts.normaliser().mul(sd.constant(normWeights)).sum());
        });
    }

    @Test
    void siluStaysFiniteWhereExpOverflows() {
        INDArray x = Nd4j.createFromArray(120f, -120f, 89f, -89f, 1e30f, -1e30f);
        Map<String, INDArray> out = lossAndGradients(Map.of("x", x), (sd, k) -> k.silu(sd, sd.getVariable("x")),
                ElementwiseKernels.JAVA);
        // silu(x) -> x and silu'(x) -> 1 for large x; both -> 0 for very negative x
        assertEquals(120.0 + 89.0 + 1e30, out.get("loss").getDouble(0), 1e24);
        INDArray expected = Nd4j.createFromArray(1f, 0f, 1f, 0f, 1f, 0f);
        assertTrue(expected.equalsWithEps(out.get("x"), 1e-6), out.get("x").toString());
    }

    /**
     * Sequence lengths below one vector (scalar loop), equal to it, and between multiples (a row's
     * last vector overlaps the one before it), forwards and in reverse. The inputs are what the cell
     * feeds in: forget gates that sum to steep cumulative sums (-3 per step, so exponents outside the
     * triangle overflow float32 beyond ~30 steps), and {@code rowLog = cum - rowMax}, which keeps every
     * exponent inside the triangle at most 0.
     */
    @ParameterizedTest(name = "L {0} reverse {1}")
    @CsvSource({"5, false", "5, true", "16, false", "37, false", "37, true", "49, true", "64, false"})
    void decayedScoresAndTheirGradientsMatchNd4j(int len, boolean reverse) {
        Random random = new Random(len * 2L + (reverse ? 1 : 0));
        int x = 3;
        INDArray ig = randn(random, 2.0, x, len);
        INDArray cum = Nd4j.create(DataType.FLOAT, x, len);
        INDArray rowLog = Nd4j.create(DataType.FLOAT, x, len);
        for (int s = 0; s < x; s++) {
            for (int i = 0; i < len; i++) {
                cum.putScalar(s, i, -3.0 * (reverse ? len - i : i + 1) + 0.1 * random.nextGaussian());
            }
            for (int i = 0; i < len; i++) {
                double rowMax = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    if (reverse ? j >= i : j <= i) {
                        rowMax = Math.max(rowMax, cum.getDouble(s, i) - cum.getDouble(s, j) + ig.getDouble(s, j));
                    }
                }
                rowLog.putScalar(s, i, cum.getDouble(s, i) - rowMax);
            }
        }
        Map<String, INDArray> in = new LinkedHashMap<>();
        in.put("qk", randn(random, 1.0, x, len, len));
        in.put("rowLog", rowLog);
        in.put("cum", cum);
        in.put("ig", ig);
        INDArray weights = randn(random, 1.0, x, len, len);
        INDArray rowWeights = randn(random, 1.0, x, len, 1);
        compare(in, (sd, k) -> {
            ElementwiseKernels.DecayedScores s = k.decayedScores(sd, sd.getVariable("qk"), sd.getVariable("rowLog"),
                    sd.getVariable("cum"), sd.getVariable("ig"), len, reverse);
            // both outputs feed the loss, with weights so that every element's gradient differs
            return s.scores().mul(sd.constant(weights)).sum().add(s.rowSums().mul(sd.constant(rowWeights)).sum());
        });
    }

    @Test
    void mismatchedStacksOfMatricesNameBothShapes() {
        SameDiff sd = SameDiff.create();
        ElementwiseKernels.JAVA.batchedMatmul(sd, sd.var("a", Nd4j.ones(DataType.FLOAT, 2, 3, 4)),
                sd.var("b", Nd4j.ones(DataType.FLOAT, 2, 5, 6)), false, false).rename("c");
        runInFixedGraphSessions(sd);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> sd.outputSingle(Map.of(), "c"));
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains("[2, 3, 4] @ [2, 5, 6] do not match"), messages.toString());
    }

    @Test
    void aJavaKernelOutsideItsSessionSaysWhoRunsIt() {
        SameDiff sd = SameDiff.create();
        ElementwiseKernels.JAVA.silu(sd, sd.var("x", Nd4j.ones(DataType.FLOAT, 4))).rename("y");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> sd.outputSingle(Map.of(), "y"));
        String message = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(message.contains("FixedGraphSession"), message);
    }

    @Test
    void theSwitchKeepsNd4jOps() {
        String before = System.getProperty(ElementwiseKernels.PROPERTY);
        System.setProperty(ElementwiseKernels.PROPERTY, "nd4j");
        try {
            assertFalse(ElementwiseKernels.javaAvailable());
            assertEquals(ElementwiseKernels.ND4J, ElementwiseKernels.forGraphPool(DataType.FLOAT));
        } finally {
            if (before == null) {
                System.clearProperty(ElementwiseKernels.PROPERTY);
            } else {
                System.setProperty(ElementwiseKernels.PROPERTY, before);
            }
        }
    }

    /**
     * Builds {@code loss(sd, kernels)} over variables {@code inputs} with ND4J's ops and with the Java
     * kernels, and compares the loss and every input's gradient.
     */
    private static void compare(Map<String, INDArray> inputs, BiFunction<SameDiff, ElementwiseKernels, SDVariable> loss) {
        Map<String, INDArray> expected = lossAndGradients(inputs, loss, ElementwiseKernels.ND4J);
        Map<String, INDArray> actual = lossAndGradients(inputs, loss, ElementwiseKernels.JAVA);
        for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            INDArray want = e.getValue();
            INDArray got = actual.get(e.getKey());
            assertEquals(Arrays.toString(want.shape()), Arrays.toString(got.shape()), e.getKey());
            double scale = Math.max(want.amaxNumber().doubleValue(), 1e-30);
            double error = want.sub(got).amaxNumber().doubleValue() / scale;
            assertTrue(error < TOLERANCE, e.getKey() + ": relative error " + error);
            assertFalse(got.isNaN().any() || got.isInfinite().any(), e.getKey() + " has NaN or infinity");
        }
    }

    private static Map<String, INDArray> lossAndGradients(Map<String, INDArray> inputs,
                                                          BiFunction<SameDiff, ElementwiseKernels, SDVariable> loss,
                                                          ElementwiseKernels kernels) {
        SameDiff sd = SameDiff.create();
        inputs.forEach((name, value) -> sd.var(name, value.dup()));
        SDVariable out = loss.apply(sd, kernels).sum();
        sd.setLossVariables(out);
        runInFixedGraphSessions(sd);
        Map<String, INDArray> result = new LinkedHashMap<>(sd.calculateGradients(Map.of(), inputs.keySet()));
        result.put("loss", sd.outputSingle(Map.of(), out.name()).reshape(1));
        return result;
    }

    /** {@code sd} and its gradient function (created here) run by {@link FixedGraphSession}s on this thread. */
    static void runInFixedGraphSessions(SameDiff sd) {
        sd.createGradFunction();
        long thread = Thread.currentThread().getId();
        for (SameDiff graph : new SameDiff[] {sd, sd.getFunction(GraphPool.GRADIENT_FUNCTION)}) {
            graph.getSessions().put(thread, new FixedGraphSession(graph));
        }
    }

    private static INDArray randn(Random random, double scale, long... shape) {
        INDArray a = Nd4j.create(DataType.FLOAT, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, (float) (random.nextGaussian() * scale));
        }
        return a;
    }
}
