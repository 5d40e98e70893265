package io.vilspark.train;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's updater for a ComputationGraph, taking the network's own gradient for what it is.
 *
 * <p>DL4J 1.0.0-M2.1 tells the network's own gradient from one computed elsewhere by object identity
 * with its flattened gradient array, but {@code DefaultGradient.gradient()} returns a new reshaped view
 * on every call, so every step takes the path for foreign gradients. That path re-slices the
 * parameters once per variable through a view of the previous view, and each new view walks the whole
 * chain of views twice: the step's update costs time cubic in the number of variables per updater
 * block. ViL-T has ~400, and its update took ~0.45 s per step on the thread that calls {@code fit} (a
 * Spark task's), during which the pass threads wait. Handing the updater the very array it compares with sends it down its standard
 * path, whose per-variable views were made once, at construction.
 */
public final class InPlaceGraphUpdater extends ComputationGraphUpdater {
    /** @param updaterState used directly, as DL4J's constructor does; null for fresh (zero) state */
    public InPlaceGraphUpdater(ComputationGraph graph, INDArray updaterState) {
        super(graph, updaterState);
    }

    /** Gives {@code graph} an in-place updater that keeps its current updater state (no-op if it has one). */
    public static void install(ComputationGraph graph) {
        ComputationGraphUpdater current = graph.getUpdater();
        if (!(current instanceof InPlaceGraphUpdater)) {
            graph.setUpdater(new InPlaceGraphUpdater(graph, current.getStateViewArray()));
        }
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        super.update(handOver(gradient), iteration, epoch, batchSize, workspaceMgr);
    }

    /** The network's own gradient as one whose flat array is the updater's; any other gradient as it is. */
    Gradient handOver(Gradient gradient) {
        INDArray own = getFlattenedGradientsView();
        return sameMemory(gradient.gradient(), own) ? new OwnGradient(gradient, own) : gradient;
    }

    /** Whether two arrays are the same elements of the same buffer (e.g. a reshaped view and its source). */
    static boolean sameMemory(INDArray a, INDArray b) {
        return a.length() == b.length() && a.dataType() == b.dataType()
                && a.data().address() + a.offset() * a.data().getElementSize()
                == b.data().address() + b.offset() * b.data().getElementSize();
    }

    /** The network's gradient, whose flat form is the network's gradient array object itself. */
    private static final class OwnGradient extends DefaultGradient {
        private static final long serialVersionUID = 1L;
        private final INDArray flat;

        OwnGradient(Gradient from, INDArray flat) {
            super(flat);
            this.flat = flat;
            from.gradientForVariable().forEach((name, g) -> setGradientFor(name, g, from.flatteningOrderForVariable(name)));
        }

        @Override
        public INDArray gradient() {
            return flat;
        }
    }
}
