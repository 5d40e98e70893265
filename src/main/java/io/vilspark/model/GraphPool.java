package io.vilspark.model;

import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ViL network's SameDiff graphs (with their gradient functions), built once per JVM and
 * architecture and lent out for one pass at a time, bound to the borrowing network's parameters.
 *
 * <p>Building a graph and its gradient function costs seconds, and dl4j-spark builds a new network
 * on every worker for every averaging round; lending the graphs keeps that cost to once per JVM.
 * A graph holds its ops' inputs while it runs, so each part of a split minibatch
 * ({@link BatchThreads}) borrows its own; parameters are only read during a pass, so parts share
 * them.
 */
final class GraphPool {
    /** A graph and the name of its loss. */
    record Graph(SameDiff graph, String loss) {
        /**
         * The part's summed loss and every parameter's gradient, in one flat array (parameters in the
         * layer's declaration order, each flattened in row-major order).
         */
        LossAndGradient lossAndGradient(Map<String, INDArray> part) {
            Map<String, INDArray> out = graph.getFunction(GRADIENT_FUNCTION).output(part, loss, FLAT_GRADIENT);
            return new LossAndGradient(out.get(loss).getDouble(0), out.get(FLAT_GRADIENT));
        }
    }

    record LossAndGradient(double loss, INDArray flatGradient) {
    }

    static final String GRADIENT_FUNCTION = "grad";
    /**
     * The gradient function's output that concatenates every parameter's gradient. Asking SameDiff
     * for one output instead of one per parameter matters: for each requested output it copies the
     * map of all the graph's variables, which took ~18% of a ViL-T training pass (24 blocks, ~500
     * parameters, tens of thousands of variables) and ~2.5% of the demo's (JFR).
     */
    private static final String FLAT_GRADIENT = "vil_flat_gradient";

    /**
     * What a graph computes: the model, the mLSTM cell's form and chunk, the data type, whether it
     * is differentiated (training passes) or only run forwards (its ops then take their fastest
     * forward form, and it has no gradient function), and its element-wise kernels.
     */
    private record Architecture(ViLConfig config, MLstmForm form, int chunkSize, DataType dataType, boolean backprop,
                                ElementwiseKernels kernels) {
    }

    /**
     * Idle graphs of the architectures used last, least recently used first: a JVM that meets many
     * architectures (tests, a driver loading several models) keeps only a few, since each idle graph
     * also keeps the parameter arrays it was last bound to.
     */
    private static final int ARCHITECTURES_KEPT = 3;
    private static final Map<Architecture, Deque<Graph>> IDLE = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Architecture, Deque<Graph>> eldest) {
            return size() > ARCHITECTURES_KEPT;
        }
    };

    private GraphPool() {
    }

    /**
     * Runs {@code work} on each of {@code parts} with a graph of {@code layer}'s architecture bound to
     * {@code params}, on {@link BatchThreads}' pass threads; returns the results in part order. Results must not point into the pass's scratch memory ({@link #detached}).
     */
    static <T> List<T> run(ViLNetworkLayer layer, DataType dataType, Map<String, INDArray> params, boolean training,
                           List<Map<String, INDArray>> parts, BiFunction<Graph, Map<String, INDArray>, T> work) {
        MLstmForm form = layer.cellForm(layer.config().sequenceLength());
        Architecture architecture = new Architecture(layer.config(), form,
                form == MLstmForm.CHUNKWISE ? layer.getChunkSize() : 0, dataType, training,
                ElementwiseKernels.forGraphPool(dataType));
        Deque<Graph> idle;
        synchronized (IDLE) {
            idle = IDLE.computeIfAbsent(architecture, a -> new ConcurrentLinkedDeque<>());
        }
        List<Graph> borrowed = new ArrayList<>();
        try {
            for (int i = 0; i < parts.size(); i++) {
                Graph g = idle.pollFirst();
                borrowed.add(g != null ? g : build(layer, architecture));
                bind(borrowed.get(i).graph(), params);
            }
            return runParts(borrowed, parts, work);
        } finally {
            // in reverse, so that the next minibatch's part i gets this one's graph i (and pass thread i)
            for (int i = borrowed.size() - 1; i >= 0; i--) {
                idle.addFirst(borrowed.get(i));
            }
        }
    }

    /** Every part on its own pass thread (none on the caller's), results in part order. */
    private static <T> List<T> runParts(List<Graph> graphs, List<Map<String, INDArray>> parts,
                                        BiFunction<Graph, Map<String, INDArray>, T> work) {
        List<ExecutorService> threads = BatchThreads.acquire(parts.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                Graph graph = graphs.get(i);
                Map<String, INDArray> part = parts.get(i);
                futures.add(threads.get(i).submit(() -> inPassMemory(graph, part, work)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(resultOf(f));
            }
            return results;
        } finally {
            BatchThreads.release(threads);
        }
    }

    private static <T> T resultOf(Future<T> part) {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a minibatch part", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("a minibatch part failed", e.getCause());
        }
    }

    /** Points the graph's (and its gradient function's) parameter variables at {@code params}. */
    private static void bind(SameDiff sd, Map<String, INDArray> params) {
        params.forEach((name, array) -> sd.associateArrayWithVariable(array, sd.getVariable(name)));
    }

    /**
     * {@code work} with the graph's scratch arrays in a {@link PassMemory}, outside every workspace: each
     * array of the pass is freed for reuse as soon as no later op (forward or backward) needs it, while a
     * workspace would hold every intermediate result until the pass ends (gigabytes for ViL-T at 224).
     */
    private static <T> T inPassMemory(Graph graph, Map<String, INDArray> part, BiFunction<Graph, Map<String, INDArray>, T> work) {
        long thread = Thread.currentThread().getId();
        for (SameDiff sd : new SameDiff[] {graph.graph(), graph.graph().getFunction(GRADIENT_FUNCTION)}) {
            if (sd == null) {
                continue;   // an inference graph has no gradient function
            }
            InferenceSession session = sd.getSessions().computeIfAbsent(thread, id -> new FixedGraphSession(sd));
            if (!(session.getMmgr() instanceof PassMemory)) {
                session.setMmgr(new PassMemory(IdleBuffers.SHARED));
            }
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return work.apply(graph, part);
        }
    }

    /** The forms of the cell that idle graphs of {@code config} compute (for tests). */
    static List<MLstmForm> keptForms(ViLConfig config) {
        synchronized (IDLE) {
            return IDLE.keySet().stream().filter(a -> a.config().equals(config)).map(Architecture::form).toList();
        }
    }

    /** The network's graph with placeholders for images and labels, and when it backpropagates its gradient function. */
    private static Graph build(ViLNetworkLayer layer, Architecture architecture) {
        DataType dataType = architecture.dataType();
        boolean backprop = architecture.backprop();
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            SameDiff sd = SameDiff.create();
            sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
            ViLConfig config = layer.config();
            SDVariable images = sd.placeHolder(SameDiffOutputLayer.INPUT_KEY, dataType, -1, config.channels(),
                    config.height(), config.width());
            SDVariable labels = sd.placeHolder(SameDiffOutputLayer.LABELS_KEY, dataType, -1, config.numClasses());
            Map<String, SDVariable> vars = new LinkedHashMap<>();
            layer.getLayerParams().getParamShapes().forEach((name, shape) -> vars.put(name, sd.var(name, dataType, shape)));
            SDVariable loss = layer.defineLayer(sd, images, labels, vars, backprop, architecture.kernels());
            sd.setLossVariables(loss.name());
            if (OpTimings.ENABLED) {
                sd.addListeners(OpTimings.INSTANCE);
            }
            if (!backprop) {
                return new Graph(sd, loss.name());
            }
            // gradients of the parameters only: the images need none
            QuietStdout.call(() -> {
                sd.createGradFunction();
                return null;
            });
            SameDiff gradFn = sd.getFunction(GRADIENT_FUNCTION);
            List<SDVariable> flat = new ArrayList<>();
            for (String name : vars.keySet()) {
                SDVariable grad = sd.getVariable(name).getGradient();
                flat.add((grad == null ? gradFn.zerosLike(gradFn.getVariable(name)) : gradFn.getVariable(grad.name())).reshape(-1));
            }
            gradFn.concat(FLAT_GRADIENT, 0, flat.toArray(new SDVariable[0]));
            if (OpTimings.ENABLED) {
                gradFn.addListeners(OpTimings.INSTANCE);
            }
            return new Graph(sd, loss.name());
        }
    }

    /** A copy of {@code array} outside every workspace (part results outlive their pass's scratch memory). */
    static INDArray detached(INDArray array) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return array.dup();
        }
    }

    /**
     * Each placeholder's rows split into {@code parts} near-equal consecutive parts, copied out of
     * every workspace: the passes run on other threads, and the caller's arrays may live in a
     * workspace of its own (dl4j-spark's prefetching iterator frees its workspace when the last
     * minibatch of a round is taken, while that minibatch is still being trained on).
     */
    static List<Map<String, INDArray>> split(Map<String, INDArray> placeholders, long rows, int parts) {
        // one copy of each array, sliced by every part
        Map<String, INDArray> own = new HashMap<>();
        placeholders.forEach((name, array) -> own.put(name, detached(array)));
        List<Map<String, INDArray>> out = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            long from = rows * i / parts;
            long to = rows * (i + 1) / parts;
            Map<String, INDArray> part = new HashMap<>();
            own.forEach((name, array) -> part.put(name, rowsOf(array, from, to)));
            out.add(part);
        }
        return out;
    }

    /**
     * Rows {@code [from, to)} of {@code own}, an array of its own (see {@link #split}): ND4J 1.0.0-M2.1
     * returns an empty array for row intervals past the middle of a view that starts inside a larger
     * array (as the rest of a minibatch that dl4j-spark's worker split off to fill the previous one).
     */
    private static INDArray rowsOf(INDArray own, long from, long to) {
        if (from == 0 && to == own.size(0)) {
            return own;
        }
        INDArrayIndex[] index = new INDArrayIndex[own.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        return detached(own.get(index));
    }
}
