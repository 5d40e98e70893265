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
    /** Graph copies for minibatches split over threads ({@link BatchThreads}); built on first use. */
    private GraphReplicas replicas;

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

    private GraphReplicas replicas() {
        if (replicas == null) {
            replicas = new GraphReplicas(network(), paramTable, dataType);
        }
        return replicas;
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
        int parts = BatchThreads.partsFor(input.size(0));
        if (parts > 1) {
            INDArray out = splitOutput(output, withLabels, parts);
            return workspaceMgr.isScopedOut(ArrayType.ACTIVATIONS) ? out : workspaceMgr.dup(ArrayType.ACTIVATIONS, out);
        }
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

    /**
     * {@code output} for the input split over threads: rows concatenated in order; the loss (a sum
     * over rows) summed.
     */
    private INDArray splitOutput(String output, boolean withLabels, int parts) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            String lossName = outputKey();
            List<INDArray> results = replicas().run(GraphReplicas.split(placeholders(withLabels, false), input.size(0), parts),
                    (replica, part) -> {
                        String name = output.equals(lossName) ? replica.loss() : output;
                        return GraphReplicas.detached(replica.graph().outputSingle(part, name));
                    });
            if (output.equals(lossName)) {
                double sum = 0;
                for (INDArray r : results) {
                    sum += r.getDouble(0);
                }
                return Nd4j.scalar(results.get(0).dataType(), sum);
            }
            return Nd4j.concat(0, results.toArray(new INDArray[0]));
        }
    }

    /** The loss variable's name (the graph is built on first use). */
    private String outputKey() {
        ensureGraph();
        return outputKey;
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
        List<String> paramNames = new ArrayList<>(paramTable.keySet());
        int parts = BatchThreads.partsFor(input.size(0));
        if (parts > 1) {
            return splitGradients(paramNames, parts);
        }
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
     * The gradient of the minibatch as the sum of its parts' gradients, each part computed on its
     * own thread and graph copy; the loss likewise.
     */
    private Pair<Gradient, INDArray> splitGradients(List<String> paramNames, int parts) {
        List<OutAndGrad> results;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            results = replicas().run(GraphReplicas.split(placeholders(true, true), input.size(0), parts),
                    (replica, part) -> replica.graph().calculateGradientsAndOutputs(part, List.of(replica.loss()), paramNames));
        }
        Gradient g = new DefaultGradient();
        for (String name : paramNames) {
            INDArray grad = gradTable.get(name);
            grad.assign(results.get(0).getGradients().get(name));
            for (int i = 1; i < results.size(); i++) {
                grad.addi(results.get(i).getGradients().get(name));
            }
            g.gradientForVariable().put(name, grad);
        }
        double loss = 0;
        for (int i = 0; i < results.size(); i++) {
            loss += results.get(i).getOutputs().values().iterator().next().getDouble(0);
        }
        lastLoss = loss;
        lastLossInput = input;
        lastLossLabels = labels;
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
            int parts = BatchThreads.partsFor(images.size(0));
            if (parts > 1) {
                List<Map<String, INDArray>> results = replicas().run(
                        GraphReplicas.split(placeholders(false, training), images.size(0), parts),
                        (replica, part) -> {
                            Map<String, INDArray> out = new HashMap<>(replica.graph().output(part, names));
                            out.replaceAll((name, array) -> GraphReplicas.detached(array));
                            return out;
                        });
                Map<String, INDArray> out = new HashMap<>();
                for (String name : names) {
                    out.put(name, Nd4j.concat(0, results.stream().map(r -> r.get(name)).toArray(INDArray[]::new)));
                }
                return out;
            }
            session(sameDiff).setMmgr(new org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr());
            Map<String, INDArray> out = new HashMap<>(sameDiff.output(placeholders(false, training), names));
            sameDiff.clearPlaceholders(true);
            sameDiff.clearOpInputs();
            out.replaceAll((k, v) -> v.isAttached() ? v.detach() : v);
            return out;
        }
    }
}
