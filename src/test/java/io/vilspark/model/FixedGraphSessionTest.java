package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FixedGraphSessionTest {
    /** {@code a = tanh(x W)}, {@code b = sum(x^2, 1)}: two outputs that need different parts of the graph. */
    private static SameDiff graph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3);
        SDVariable w = sd.var("w", Nd4j.createFromArray(new float[][] {{-1f, 0.5f}, {0.25f, 2f}, {1.5f, -0.75f}}));
        sd.math().tanh(x.mmul(w)).rename("a");
        x.mul(x).sum(true, 1).rename("b");
        return sd;
    }

    /** Inputs that differ from pass to pass (ND4J's seeded randn does not repeat itself within a JVM). */
    private static Map<String, INDArray> input(long pass) {
        return Map.of("x", Nd4j.linspace(-1.0, 1.0 + pass, 12, DataType.FLOAT).reshape(4, 3));
    }

    @Test
    void eachSetOfOutputsIsWorkedOutOnceAndComputedAsSameDiffDoes() {
        SameDiff fixed = graph();
        FixedGraphSession session = new FixedGraphSession(fixed);
        fixed.getSessions().put(Thread.currentThread().getId(), session);
        SameDiff plain = graph();

        for (long pass = 0; pass < 3; pass++) {
            assertEquals(plain.outputSingle(input(pass), "a"), fixed.outputSingle(input(pass), "a"), "pass " + pass);
        }
        assertEquals(Set.of(Set.of("a")), session.knownOutputSets());

        // other outputs, other subgraph: not the one worked out for "a"
        assertEquals(plain.outputSingle(input(7), "b"), fixed.outputSingle(input(7), "b"));
        Map<String, INDArray> both = fixed.output(input(8), "a", "b");
        assertEquals(plain.outputSingle(input(8), "a"), both.get("a"));
        assertEquals(plain.outputSingle(input(8), "b"), both.get("b"));
        assertEquals(Set.of(Set.of("a"), Set.of("b"), Set.of("a", "b")), session.knownOutputSets());
    }
}
