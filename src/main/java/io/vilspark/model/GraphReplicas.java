package io.vilspark.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Copies of the network's SameDiff graph that all read the layer's own parameter arrays, one per
 * part of a split minibatch ({@link BatchThreads}). A SameDiff graph holds its ops' inputs while it
 * runs, so two threads cannot share one; parameters are only read during a pass, so they can.
 */
final class GraphReplicas {
    /** One graph copy and the name of its loss. */
    record Replica(SameDiff graph, String loss) {
    }

    /**
     * Each part's scratch memory: a workspace per thread that learns its size in the first pass and
     * is then reused, as DL4J does for its layers (fresh allocations cost twice the compute here).
     */
    private static final WorkspaceConfiguration WORKING_MEMORY = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.05).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).build();
    private static final String WORKSPACE = "VIL_BATCH_PART";

    private final ViLNetworkLayer layer;
    private final Map<String, INDArray> params;
    private final DataType dataType;
    private final List<Replica> replicas = new ArrayList<>();

    GraphReplicas(ViLNetworkLayer layer, Map<String, INDArray> params, DataType dataType) {
        this.layer = layer;
        this.params = params;
        this.dataType = dataType;
    }

    /**
     * Runs {@code work} on part {@code i} of {@code parts} with replica {@code i}: part 0 on the
     * calling thread, the others on {@link BatchThreads}' pool; returns the results in part order.
     */
    <T> List<T> run(List<Map<String, INDArray>> parts, BiFunction<Replica, Map<String, INDArray>, T> work) {
        while (replicas.size() < parts.size()) {
            replicas.add(build());
        }
        ExecutorService pool = BatchThreads.pool(Math.max(1, parts.size() - 1));
        List<Future<T>> others = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            Replica replica = replicas.get(i);
            Map<String, INDArray> part = parts.get(i);
            others.add(pool.submit(() -> inWorkspace(replica, part, work)));
        }
        List<T> results = new ArrayList<>();
        results.add(inWorkspace(replicas.get(0), parts.get(0), work));
        for (Future<T> f : others) {
            try {
                results.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a minibatch part", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("a minibatch part failed", e.getCause());
            }
        }
        return results;
    }

    /**
     * {@code work} with the replica's scratch arrays in this thread's workspace; what it returns
     * (the requested outputs and gradients) is allocated outside it.
     */
    private static <T> T inWorkspace(Replica replica, Map<String, INDArray> part,
                                     BiFunction<Replica, Map<String, INDArray>, T> work) {
        DL4JSameDiffMemoryMgr memory = new DL4JSameDiffMemoryMgr(WORKSPACE, null, WORKING_MEMORY, null);
        long thread = Thread.currentThread().getId();
        for (SameDiff sd : new SameDiff[] {replica.graph(), replica.graph().getFunction("grad")}) {
            sd.getSessions().computeIfAbsent(thread, id -> SameDiff.getInferenceFactory().create(sd)).setMmgr(memory);
        }
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKING_MEMORY, WORKSPACE)) {
            return work.apply(replica, part);
        }
    }

    /** The network's graph built again, on the same parameter arrays, with its gradient function. */
    private Replica build() {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            SameDiff sd = SameDiff.create();
            sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
            ViLConfig config = layer.config();
            SDVariable images = sd.placeHolder(SameDiffOutputLayer.INPUT_KEY, dataType, -1, config.channels(),
                    config.height(), config.width());
            SDVariable labels = sd.placeHolder(SameDiffOutputLayer.LABELS_KEY, dataType, -1, config.numClasses());
            Map<String, SDVariable> vars = new LinkedHashMap<>();
            layer.getLayerParams().getParamShapes().forEach((name, shape) -> vars.put(name, sd.var(name, dataType, shape)));
            SDVariable loss = layer.defineLayer(sd, images, labels, vars);
            params.forEach((name, array) -> sd.associateArrayWithVariable(array, sd.getVariable(name)));
            sd.setLossVariables(loss.name());
            if (OpTimings.ENABLED) {
                sd.addListeners(OpTimings.INSTANCE);
            }
            QuietStdout.call(() -> {
                sd.createGradFunction();
                return null;
            });
            return new Replica(sd, loss.name());
        }
    }

    /** A copy of {@code array} outside every workspace (part results outlive their part's workspace). */
    static INDArray detached(INDArray array) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return array.dup();
        }
    }

    /** Rows {@code [from, to)} of every placeholder, for each of {@code parts} near-equal parts. */
    static List<Map<String, INDArray>> split(Map<String, INDArray> placeholders, long rows, int parts) {
        List<Map<String, INDArray>> out = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            long from = rows * i / parts;
            long to = rows * (i + 1) / parts;
            Map<String, INDArray> part = new HashMap<>();
            placeholders.forEach((name, array) -> part.put(name, rowsOf(array, from, to)));
            out.add(part);
        }
        return out;
    }

    private static INDArray rowsOf(INDArray array, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[array.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return array.get(index).dup();
    }
}
