package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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

    /** {@code sd}'s session on this thread, its arrays in a {@link PassMemory} as {@link GraphPool}'s passes have them. */
    private static FixedGraphSession inPassMemory(SameDiff sd, IdleBuffers idle) {
        FixedGraphSession session = new FixedGraphSession(sd);
        session.setMmgr(new PassMemory(idle));
        sd.getSessions().put(Thread.currentThread().getId(), session);
        return session;
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

    /** Reshape inputs and outputs as the session ran them, by the address of their first element. */
    private static final class ReshapeAddresses extends org.nd4j.autodiff.listeners.BaseListener {
        final java.util.List<long[]> seen = new java.util.ArrayList<>();

        @Override
        public boolean isActive(org.nd4j.autodiff.listeners.Operation operation) {
            return true;
        }

        @Override
        public void opExecution(SameDiff sd, org.nd4j.autodiff.listeners.At at, org.nd4j.linalg.dataset.api.MultiDataSet batch,
                                org.nd4j.autodiff.samediff.internal.SameDiffOp op, org.nd4j.linalg.api.ops.OpContext context,
                                INDArray[] outputs) {
            if (op.getOp() instanceof org.nd4j.linalg.api.ops.impl.shape.Reshape) {
                seen.add(new long[] {context.getInputArray(0).data().addressPointer().address(),
                        outputs[0].data().addressPointer().address()});
            }
        }
    }

    /** {@code c = sum(reshape(tanh(x), [2, 6]) * w2)}: a reshape in the middle of a pass, and one as an output. */
    private static SameDiff reshapeGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, 4, 3);
        SDVariable r = sd.math().tanh(x).reshape(2, 6);
        r.mul(sd.constant(Nd4j.linspace(DataType.FLOAT, 1, 12, 1).reshape(2, 6))).sum().rename("c");
        r.reshape(3, 4).rename("r34");
        return sd;
    }

    @Test
    void reshapesInAPassMemoryAreViewsAndComputeAsSameDiff() {
        SameDiff plain = reshapeGraph();
        SameDiff fixed = reshapeGraph();
        ReshapeAddresses addresses = new ReshapeAddresses();
        fixed.addListeners(addresses);
        IdleBuffers idle = new IdleBuffers(1L << 30);
        FixedGraphSession session = inPassMemory(fixed, idle);

        for (long pass = 2; pass < 5; pass++) {
            Map<String, INDArray> got = fixed.output(input(pass), "c", "r34");
            Map<String, INDArray> want = plain.output(input(pass), "c", "r34");
            assertEquals(want.get("c"), got.get("c"), "pass " + pass);
            assertEquals(want.get("r34"), got.get("r34"), "pass " + pass);
        }
        // the inner reshape shares its input's memory; the one the caller asked for was copied out
        long shared = addresses.seen.stream().filter(a -> a[0] == a[1]).count();
        assertEquals(6, addresses.seen.size());
        assertEquals(3, shared);
        // the pass's arrays went back for reuse once it ended (tanh's, shared with its view, among them)
        assertTrue(idle.bytes() > 0);
        // passes after the first run the schedule of its ops, and SameDiff's released-id set stays empty
        assertEquals(5, session.scheduledOps(Set.of("c", "r34")));
        assertEquals(0, session.releasedIdsKept());

        // with SameDiff's own memory manager, every reshape copies
        SameDiff cached = reshapeGraph();
        ReshapeAddresses copies = new ReshapeAddresses();
        cached.addListeners(copies);
        cached.getSessions().put(Thread.currentThread().getId(), new FixedGraphSession(cached));
        assertEquals(plain.outputSingle(input(3), "c"), cached.outputSingle(input(3), "c"));
        assertEquals(0, copies.seen.stream().filter(a -> a[0] == a[1]).count());
    }

    /**
     * Identities in a scheduled pass pass their input on: in the middle of the pass, and as an output
     * the caller keeps (whose buffer the next pass must not reuse).
     */
    @Test
    void identitiesInAScheduledPassComputeAsSameDiff() {
        java.util.function.Supplier<SameDiff> build = () -> {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3);
            SDVariable t = sd.identity(sd.math().tanh(x));
            t.mul(2.0).rename("o");
            sd.identity("k", sd.math().sin(x).add(1.0));
            return sd;
        };
        SameDiff plain = build.get();
        SameDiff fixed = build.get();
        FixedGraphSession session = inPassMemory(fixed, new IdleBuffers(1L << 30));
        List<INDArray> kept = new ArrayList<>();
        for (long pass = 0; pass < 5; pass++) {
            Map<String, INDArray> want = plain.output(input(pass), "o", "k");
            Map<String, INDArray> got = fixed.output(input(pass), "o", "k");
            assertEquals(want.get("o"), got.get("o"), "pass " + pass);
            assertEquals(want.get("k"), got.get("k"), "pass " + pass);
            kept.add(got.get("k"));
        }
        assertTrue(session.scheduledOps(Set.of("o", "k")) > 0);
        // what the caller kept is still each pass's own result
        for (int pass = 0; pass < kept.size(); pass++) {
            assertEquals(plain.outputSingle(input(pass), "k"), kept.get(pass), "kept from pass " + pass);
        }
    }

    /**
     * A graph with an op the schedule leaves to SameDiff (a mean whose axis is an input) runs in
     * SameDiff's session on every pass, which remembers the ids of released arrays for one pass only.
     */
    @Test
    void aGraphWithAnUnscheduledOpRunsInSameDiffsSessionEveryPass() {
        java.util.function.Supplier<SameDiff> build = () -> {
            SameDiff sd = reshapeGraph();
            sd.mean(sd.getVariable("r34"), sd.constant(Nd4j.createFromArray(1))).mul(2.0).rename("d");
            return sd;
        };
        SameDiff plain = build.get();
        SameDiff fixed = build.get();
        FixedGraphSession session = inPassMemory(fixed, new IdleBuffers(1L << 30));
        int afterOnePass = 0;
        for (long pass = 2; pass < 8; pass++) {
            assertEquals(plain.outputSingle(input(pass), "d"), fixed.outputSingle(input(pass), "d"), "pass " + pass);
            if (pass == 2) {
                afterOnePass = session.releasedIdsKept();
            }
        }
        assertEquals(0, session.scheduledOps(Set.of("d")));
        assertTrue(afterOnePass > 0);
        assertEquals(afterOnePass, session.releasedIdsKept());
    }

    /** Scheduled passes whose minibatch differs from the previous one's get outputs of their own shapes. */
    @Test
    void scheduledPassesFollowTheMinibatchSize() {
        SameDiff plain = graph();
        SameDiff fixed = graph();
        FixedGraphSession session = inPassMemory(fixed, new IdleBuffers(1L << 30));
        int[] rows = {4, 4, 3, 3, 5, 4};
        for (int pass = 0; pass < rows.length; pass++) {
            Map<String, INDArray> in = Map.of("x", Nd4j.linspace(-1.0, 1.0 + pass, 3L * rows[pass], DataType.FLOAT)
                    .reshape(rows[pass], 3));
            Map<String, INDArray> want = plain.output(in, "a", "b");
            Map<String, INDArray> got = fixed.output(in, "a", "b");
            assertEquals(want.get("a"), got.get("a"), "pass " + pass);
            assertEquals(want.get("b"), got.get("b"), "pass " + pass);
        }
        assertTrue(session.scheduledOps(Set.of("a", "b")) > 0);
    }
}
