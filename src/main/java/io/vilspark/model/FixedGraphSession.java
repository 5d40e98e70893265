package io.vilspark.model;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.ops.OpContext;

/**
 * SameDiff's session for a graph whose structure no longer changes, run pass after pass for the same
 * outputs: which variables and ops a set of outputs needs is worked out once, not on every pass.
 *
 * <p>SameDiff 1.0.0-M2.1 walks back from the requested outputs through the whole graph on every
 * {@code output} call (its own comment: "TODO ... cache the results"), with several name lookups in
 * a Patricia trie and regular-expression matches per variable. ViL-T's training graph has tens of
 * thousands of variables: that walk was about 40% of the Java time of a pass thread (JFR).
 *
 * <p>Only for the graphs {@link GraphPool} builds: they are complete before their first pass. It
 * also runs their {@link JavaKernelOp}s, which SameDiff's own session cannot.
 */
final class FixedGraphSession extends InferenceSession {
    private record Subgraph(List<String> variables, List<String> ops, List<String> zeroInputOps) {
    }

    private final Map<Set<String>, Subgraph> subgraphs = new HashMap<>();

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

    /** {@link JavaKernelOp}s run here, in Java; every other op as SameDiff runs it. */
    @Override
    public ExecutionResult doExec(DifferentialFunction op, OpContext context, FrameIter outputFrameIter,
                                  Set<VarId> opInputs, Set<VarId> allIterInputs, Set<String> constAndPhInputs,
                                  Map<String, SDValue> otherPlaceHolders) {
        if (op instanceof JavaKernelOp kernel) {
            kernel.execute(context);
            return ExecutionResult.createFrom(op, context);
        }
        return super.doExec(op, context, outputFrameIter, opInputs, allIterInputs, constAndPhInputs, otherPlaceHolders);
    }

    /** Sets of outputs whose subgraph is known (for tests). */
    Set<Set<String>> knownOutputSets() {
        return new LinkedHashSet<>(subgraphs.keySet());
    }
}
