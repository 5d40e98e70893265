package io.vilspark.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.shape.Reshape;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * SameDiff's session for a complete graph (one whose structure is fixed), run pass after pass for
 * the same outputs: the first pass for a set of outputs runs in SameDiff's session, which records
 * the order of its ops, and later passes run that order as an {@link OpSchedule}.
 *
 * <p>SameDiff 1.0.0-M2.1 walks back from the requested outputs through the whole graph on every
 * {@code output} call (its own comment: "TODO ... cache the results"), with several name lookups in
 * a Patricia trie and regular-expression matches per variable; ViL-T's training graph has tens of
 * thousands of variables. Where SameDiff's session still runs a pass (a graph the schedule leaves to
 * it), the walk for a set of outputs is worked out once.
 *
 * <p>Only for the graphs {@link GraphPool} builds: they are complete before their first pass. It
 * also runs their {@link JavaKernelOp}s, which SameDiff's own session cannot.
 */
final class FixedGraphSession extends InferenceSession {
    private record Subgraph(List<String> variables, List<String> ops, List<String> zeroInputOps) {
    }

    private final Map<Set<String>, Subgraph> subgraphs = new HashMap<>();
    /** Per set of outputs, the schedule of its ops, or empty when SameDiff's session runs them. */
    private final Map<Set<String>, Optional<OpSchedule>> schedules = new HashMap<>();
    /** The ops of the pass being run by SameDiff's session, in its order, when a schedule is to be made of them. */
    private List<String> recording;

    FixedGraphSession(SameDiff sameDiff) {
        super(sameDiff);
    }

    @Override
    protected void initSubgraph(Set<String> variables) {
        Subgraph known = subgraphs.get(variables);
        if (known == null) {
            super.initSubgraph(variables);
            subgraphs.put(new HashSet<>(variables),
                    new Subgraph(List.copyOf(subgraph), List.copyOf(subgraphOps), List.copyOf(zeroInputOpsInSubgraph)));
            return;
        }
        // in the order the walk found them, so that ops run in the same order as on the first pass
        subgraph.addAll(known.variables());
        subgraphOps.addAll(known.ops());
        zeroInputOpsInSubgraph.addAll(known.zeroInputOps());
    }

    /**
     * The requested outputs: on the first pass for a set of outputs SameDiff's session computes them
     * and the order of its ops is recorded; later passes run that order as an {@link OpSchedule}.
     */
    @Override
    public ExecutionResult output(List<String> variables, Map<String, INDArray> placeholderValues,
                                  Map<String, SDValue> otherPlaceHolderValues, MultiDataSet batch,
                                  Collection<String> requiredActivations, List<Listener> listeners, At at) {
        boolean plain = (otherPlaceHolderValues == null || otherPlaceHolderValues.isEmpty())
                && (requiredActivations == null || requiredActivations.isEmpty());
        if (!plain || !(getMmgr() instanceof PassMemory memory)) {
            return super.output(variables, placeholderValues, otherPlaceHolderValues, batch, requiredActivations, listeners, at);
        }
        Set<String> outputs = Set.copyOf(variables);
        Optional<OpSchedule> schedule = schedules.get(outputs);
        if (schedule == null) {
            recording = new ArrayList<>();
            try {
                ExecutionResult result = super.output(variables, placeholderValues, otherPlaceHolderValues, batch,
                        requiredActivations, listeners, at);
                schedules.put(outputs, Optional.ofNullable(OpSchedule.of(sameDiff, recording, outputs)));
                return result;
            } finally {
                recording = null;
            }
        }
        if (schedule.isEmpty()) {
            return super.output(variables, placeholderValues, otherPlaceHolderValues, batch, requiredActivations, listeners, at);
        }
        freedArrays.clear();
        memory.newPass();
        return schedule.get().run(placeholderValues, memory, listeners, at == null ? At.defaultAt() : at, batch);
    }

    /**
     * Starts a pass: the session and its {@link PassMemory} forget the previous pass's bookkeeping.
     * SameDiff 1.0.0-M2.1 records the id of every array it releases, to release none twice, and never
     * forgets one: a demo training run's sessions would hold millions of them after an epoch, hundreds
     * of megabytes of heap. Ids are never reused and no array outlives its pass in the session, so the
     * previous passes' ids are not needed.
     */
    @Override
    protected Map<String, INDArray> preprocessPlaceholders(Map<String, INDArray> placeholders, At at) {
        freedArrays.clear();
        if (getMmgr() instanceof PassMemory memory) {
            memory.newPass();
        }
        return super.preprocessPlaceholders(placeholders, at);
    }

    /**
     * {@link JavaKernelOp}s run here, in Java; reshapes of dense arrays become views where memory is
     * not reused during the pass; every other op runs as SameDiff runs it.
     */
    @Override
    public ExecutionResult doExec(DifferentialFunction op, OpContext context, FrameIter outputFrameIter,
                                  Set<VarId> opInputs, Set<VarId> allIterInputs, Set<String> constAndPhInputs,
                                  Map<String, SDValue> otherPlaceHolders) {
        if (recording != null) {
            recording.add(op.getOwnName());
        }
        if (op instanceof JavaKernelOp kernel) {
            kernel.execute(context);
            return ExecutionResult.createFrom(op, context);
        }
        if (op instanceof Reshape) {
            INDArray view = reshapedView(context);
            if (view != null) {
                // the output array allocated for the copy is not needed: back to the pass's memory
                getMmgr().release(context.getOutputArray(0));
                return ExecutionResult.createFrom(List.of(op.outputVariablesNames()[0]), new INDArray[] {view});
            }
        }
        return super.doExec(op, context, outputFrameIter, opInputs, allIterInputs, constAndPhInputs, otherPlaceHolders);
    }

    /**
     * The reshape's input seen in the output's shape without a copy, or null where that is not
     * safe. SameDiff 1.0.0-M2.1 gives every op a new output array, so each reshape copied its input
     * (~500 per demo training pass, ~10% of its CPU time in memmove). A view shares the input's
     * memory: only in a pass whose {@link PassMemory} reuses the shared buffer once both are
     * released, not for an output the caller keeps, not for an input that is not a dense row-major
     * array.
     */
    private INDArray reshapedView(OpContext context) {
        if (!(getMmgr() instanceof PassMemory memory) || context.numInputArguments() < 1 || context.numOutputArguments() != 1) {
            return null;
        }
        INDArray out = context.getOutputArray(0);
        if (!memory.isScratch(out) || out.isEmpty()) {
            return null;
        }
        return OpSchedule.reshapedView(context.getInputArray(0), out.shapeDescriptor(), out.dataType(), memory);
    }

    /** Ids of released arrays the session remembers (for tests). */
    int releasedIdsKept() {
        return freedArrays.size();
    }

    /** Ops in the schedule of {@code outputs}, 0 when SameDiff's session runs them (for tests). */
    int scheduledOps(Set<String> outputs) {
        Optional<OpSchedule> schedule = schedules.get(outputs);
        return schedule == null || schedule.isEmpty() ? 0 : schedule.get().size();
    }

    /** Sets of outputs whose subgraph is known (for tests). */
    Set<Set<String>> knownOutputSets() {
        return new LinkedHashSet<>(subgraphs.keySet());
    }
}
