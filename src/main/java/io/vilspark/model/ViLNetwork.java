package io.vilspark.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.DL4JSameDiffMemoryMgr;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runtime of {@link ViLNetworkLayer}: DL4J's SameDiff output layer with one SameDiff session per
 * training step. DL4J calls {@link #backpropGradient} and then {@link #computeScore} on an output
 * layer; the backward session also yields the loss, which the score reuses, so a step is one
 * forward and one backward pass. It also feeds the drop-path masks and answers named
 * intermediate results ({@link #outputs}).
 */
public class ViLNetwork extends SameDiffOutputLayer {
    /**
     * Loss of the last backward pass and the input and labels it was computed for; used once, by
     * the score that DL4J asks for right after the backward pass.
     */
    private double lastLoss = Double.NaN;
    private INDArray lastLossInput;
    private INDArray lastLossLabels;

    public ViLNetwork(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private ViLNetworkLayer network() {
        return (ViLNetworkLayer) layerConf();
    }

    private void ensureGraph() {
        if (sameDiff != null) {
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            doInit();
            sameDiff.setLossVariables(outputKey);
            if (OpTimings.ENABLED) {
                sameDiff.addListeners(OpTimings.INSTANCE);
            }
        }
    }

    /** Placeholders: images, labels when given, and drop-path multipliers (drawn only in training). */
    private Map<String, INDArray> placeholders(boolean withLabels, boolean training) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(INPUT_KEY, input);
        if (withLabels) {
            ph.put(LABELS_KEY, labels);
        }
        ViLNetworkLayer net = network();
        if (net.hasDropPath()) {
            int batch = (int) input.size(0);
            double[] rates = net.dropPathRates();
            INDArray keep = Nd4j.ones(input.dataType(), batch, rates.length);
            for (int i = 0; training && i < rates.length; i++) {
                if (rates[i] > 0) {
                    keep.putColumn(i, DropPath.keepMask(batch, rates[i], Nd4j.getRandom(), input.dataType()));
                }
            }
            ph.put(ViLNetworkLayer.DROP_PATH, keep);
        }
        return ph;
    }

    private void forgetLoss() {
        lastLossInput = null;
        lastLossLabels = null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        forgetLoss();
        return forward(ViLNetworkLayer.PROBABILITIES, false, workspaceMgr);
    }

    private INDArray forward(String output, boolean withLabels, LayerWorkspaceMgr workspaceMgr) {
        ensureGraph();
        String wsOutput = workspaceMgr.getWorkspaceName(ArrayType.ACTIVATIONS);
        boolean scopedOut = workspaceMgr.isScopedOut(ArrayType.ACTIVATIONS);
        session(sameDiff).setMmgr(new DL4JSameDiffMemoryMgr(workspaceMgr.getWorkspaceName(ArrayType.FF_WORKING_MEM),
                wsOutput, workspaceMgr.getConfiguration(ArrayType.FF_WORKING_MEM),
                workspaceMgr.getConfiguration(ArrayType.ACTIVATIONS)));
        INDArray out = sameDiff.outputSingle(placeholders(withLabels, false), output);
        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
        if (scopedOut) {
            return out.isAttached() ? out.detach() : out;
        }
        boolean inOutputWorkspace = out.isAttached() && wsOutput.equals(out.data().getParentWorkspace().getId());
        return inOutputWorkspace ? out : workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
    }

    private static InferenceSession session(SameDiff sd) {
        return sd.getSessions().computeIfAbsent(Thread.currentThread().getId(),
                id -> SameDiff.getInferenceFactory().create(sd));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        ensureGraph();
        double loss;
        if (input == lastLossInput && labels == lastLossLabels) {
            loss = lastLoss;
            forgetLoss();
        } else {
            assertInputSet(false);
            loss = forward(outputKey, true, workspaceMgr).getDouble(0);
        }
        return (loss + fullNetRegTerm) / input.size(0);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (labels == null) {
            throw new IllegalStateException("cannot train the ViL network without labels");
        }
        ensureGraph();
        if (!sameDiff.hasGradientFunction()) {
            // gradients of the parameters only: the images need none
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                QuietStdout.call(() -> {
                    sameDiff.createGradFunction();
                    return null;
                });
            }
        }
        SameDiff gradFn = sameDiff.getFunction("grad");
        session(gradFn).setMmgr(new DL4JSameDiffMemoryMgr(workspaceMgr.getWorkspaceName(ArrayType.BP_WORKING_MEM),
                workspaceMgr.getWorkspaceName(ArrayType.ACTIVATION_GRAD), workspaceMgr.getConfiguration(ArrayType.BP_WORKING_MEM),
                workspaceMgr.getConfiguration(ArrayType.ACTIVATION_GRAD)));

        List<String> paramNames = new ArrayList<>(paramTable.keySet());
        OutAndGrad result = sameDiff.calculateGradientsAndOutputs(placeholders(true, true), List.of(outputKey), paramNames);
        Gradient g = new DefaultGradient();
        for (String name : paramNames) {
            INDArray grad = gradTable.get(name);
            grad.assign(result.getGradients().get(name));
            g.gradientForVariable().put(name, grad);
        }
        lastLoss = result.getOutputs().get(outputKey).getDouble(0);
        lastLossInput = input;
        lastLossLabels = labels;
        sameDiff.clearPlaceholders(true);
        sameDiff.clearOpInputs();
        // the network's input is the images: nothing below this layer needs their gradient
        return new Pair<>(g, null);
    }

    /**
     * Named results for {@code images} in inference mode (no drop path): any of the names in
     * {@link ViLNetworkLayer}, {@code block_<i>_top_left} / {@code block_<i>_bot_right}. Arrays are
     * detached from DL4J's workspaces.
     */
    public Map<String, INDArray> outputs(INDArray images, List<String> names) {
        return outputs(images, names, false);
    }

    /** As {@link #outputs(INDArray, List)}; in {@code training} mode with freshly drawn drop-path masks. */
    Map<String, INDArray> outputs(INDArray images, List<String> names, boolean training) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            setInput(images, LayerWorkspaceMgr.noWorkspaces());
            ensureGraph();
            session(sameDiff).setMmgr(new org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr());
            Map<String, INDArray> out = new HashMap<>(sameDiff.output(placeholders(false, training), names));
            sameDiff.clearPlaceholders(true);
            sameDiff.clearOpInputs();
            out.replaceAll((k, v) -> v.isAttached() ? v.detach() : v);
            return out;
        }
    }
}
