package io.vilspark.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The whole ViL network, images to loss, as one SameDiff graph in one DL4J output layer: patch
 * embedding, {@code 2*depth} {@link ViLBlock}s, and the {@link ClassifierHead}, with softmax
 * cross-entropy (summed over the batch, DL4J's convention) as the loss.
 *
 * <p>One graph rather than a layer per block because DL4J runs a {@code SameDiffLayer}'s forward
 * pass twice per training step (once for the activations, again inside its gradient session),
 * while an output layer's training step is a single forward and backward pass (see
 * {@link ViLNetwork}); the graph is also free to keep tokens in whatever layout is fastest.
 *
 * <p>Parameters are named after the reference state_dict ({@link ReferenceNames}). Intermediate
 * results carry the reference's activation names and are computed only when asked for.
 * Serialised by Jackson (model files, Spark): keep the no-arg constructor, a getter and setter
 * per field, and this class's name and package.
 */
public class ViLNetworkLayer extends SameDiffOutputLayer {
    /** Output: softmax probabilities {@code [B, classes]} (what DL4J's output() returns). */
    public static final String PROBABILITIES = "probabilities";
    public static final String LOGITS = "logits";
    public static final String HEAD_INPUT = "head_input";
    public static final String EMBED = "embed";
    public static final String NORM = "norm";
    /** Placeholder of the drop-path multipliers {@code [B, 2*depth]}, one column per block. */
    static final String DROP_PATH = "dropPath";

    private int dim;
    private int depth;
    private int patchSize;
    private int channels;
    private int height;
    private int width;
    private int numClasses;
    private String pooling;
    private boolean legacyNorm;
    private boolean projBias;
    private boolean normBias;
    private double dropPathRate;
    private boolean dropPathDecay;
    /** The network's seed: the initial parameters follow from it alone. */
    private long initSeed;
    /** The mLSTM cell's form: {@code auto} (by sequence length), {@code parallel}, {@code chunkwise}, {@code recurrent}. */
    private String mlstmForm = AUTO_FORM;
    /** Chunk length of the chunkwise form. */
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    /** With {@code auto}: the parallel form up to this many patches, the chunkwise form beyond. */
    private int parallelMaxSequence = DEFAULT_PARALLEL_MAX_SEQUENCE;

    public static final String AUTO_FORM = "auto";
    public static final int DEFAULT_CHUNK_SIZE = 64;
    /** ViL-T at 224 pixels (196 patches) and the demo models stay on the parallel form. */
    public static final int DEFAULT_PARALLEL_MAX_SEQUENCE = 256;

    public ViLNetworkLayer() {
    }

    public ViLNetworkLayer(ViLConfig config, long initSeed) {
        this.dim = config.dim();
        this.depth = config.depth();
        this.patchSize = config.patchSize();
        this.channels = config.channels();
        this.height = config.height();
        this.width = config.width();
        this.numClasses = config.numClasses();
        this.pooling = config.pooling().referenceName();
        this.legacyNorm = config.legacyNorm();
        this.projBias = config.projBias();
        this.normBias = config.normBias();
        this.dropPathRate = config.dropPathRate();
        this.dropPathDecay = config.dropPathDecay();
        this.initSeed = initSeed;
        setLayerName(ViLGraph.NETWORK);
    }

    /** The architecture this layer computes. */
    public ViLConfig config() {
        return ViLConfig.builder()
                .dim(dim).depth(depth).patchSize(patchSize).inputShape(channels, height, width)
                .numClasses(numClasses).pooling(Pooling.fromReferenceName(pooling)).legacyNorm(legacyNorm)
                .projBias(projBias).normBias(normBias).dropPathRate(dropPathRate).dropPathDecay(dropPathDecay)
                .build();
    }

    /** The form the cell takes for {@code seqLen} patches under this configuration. */
    public MLstmForm cellForm(int seqLen) {
        if (mlstmForm == null || mlstmForm.isBlank() || AUTO_FORM.equalsIgnoreCase(mlstmForm.trim())) {
            return seqLen <= parallelMaxSequence ? MLstmForm.PARALLEL : MLstmForm.CHUNKWISE;
        }
        return MLstmForm.fromConfigName(mlstmForm);
    }

    /** Sets the cell's form ({@code auto|parallel|chunkwise|recurrent}) and chunk size; returns this. */
    public ViLNetworkLayer withCellForm(String form, int chunk) {
        if (!AUTO_FORM.equalsIgnoreCase(form.trim())) {
            MLstmForm.fromConfigName(form);   // rejects unknown names now rather than at graph definition
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunk);
        }
        this.mlstmForm = form.trim().toLowerCase(java.util.Locale.ROOT);
        this.chunkSize = chunk;
        return this;
    }

    private List<ViLBlock> blocks(ViLConfig config) {
        List<ViLBlock> blocks = new ArrayList<>();
        MLstmForm form = cellForm(config.sequenceLength());
        for (int i = 0; i < 2 * config.depth(); i++) {
            blocks.add(new ViLBlock(config, i, form, chunkSize));
        }
        return blocks;
    }

    /** Whether any block drops its branch in training (then the graph takes the drop-path placeholder). */
    boolean hasDropPath() {
        return blocks(config()).stream().anyMatch(b -> b.dropPath() > 0);
    }

    /** Per-block drop rates, in block order. */
    double[] dropPathRates() {
        return blocks(config()).stream().mapToDouble(ViLBlock::dropPath).toArray();
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        ViLConfig config = config();
        new PatchEmbedding(config).declare(params);
        for (ViLBlock block : blocks(config)) {
            block.declare(params);
        }
        new ClassifierHead(config).declare(params);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        ViLConfig config = config();
        new PatchEmbedding(config).initialize(params, ParamInit.of(initSeed, 0));
        List<ViLBlock> blocks = blocks(config);
        for (int i = 0; i < blocks.size(); i++) {
            blocks.get(i).initialize(params, ParamInit.of(initSeed, i + 1));
        }
        new ClassifierHead(config).initialize(params, ParamInit.of(initSeed, Integer.MAX_VALUE));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable images, SDVariable labels, Map<String, SDVariable> params) {
        return defineLayer(sd, images, labels, params, true, ElementwiseKernels.ND4J);
    }

    /**
     * The network's graph; with {@code backprop} false, for forward passes only: some ops then take
     * the form that is fastest forwards rather than the one whose backward pass is fastest.
     * {@code kernels} other than ND4J's need the graph to run in a {@link FixedGraphSession}.
     */
    SDVariable defineLayer(SameDiff sd, SDVariable images, SDVariable labels, Map<String, SDVariable> params,
                           boolean backprop, ElementwiseKernels kernels) {
        ViLConfig config = config();
        int seqLen = config.sequenceLength();
        SDVariable dropPath = hasDropPath() ? sd.placeHolder(DROP_PATH, images.dataType(), -1, 2L * depth) : null;

        SDVariable x = new PatchEmbedding(config).define(sd, images, params);        // [B*S, dim]
        sd.identity(EMBED, x.reshape(-1, seqLen, dim));
        SDVariable ones = GraphOps.onesColumn(sd, x);
        List<ViLBlock> blocks = blocks(config);
        for (int i = 0; i < blocks.size(); i++) {
            ViLBlock block = blocks.get(i);
            SDVariable keep = block.dropPath() > 0 ? dropPath.get(SDIndex.all(), SDIndex.interval(i, i + 1)) : null;
            x = block.define(sd, x, ones, keep, params, backprop, kernels);
            sd.identity(ReferenceNames.blockActivationName(i), x.reshape(-1, seqLen, dim));
        }
        ClassifierHead head = new ClassifierHead(config);
        sd.identity(NORM, head.norm(sd, x, params).reshape(-1, seqLen, dim));
        SDVariable pooled = head.pooled(sd, x, params);
        sd.identity(HEAD_INPUT, pooled);
        SDVariable logits = head.logits(sd, pooled, params);
        sd.identity(LOGITS, logits);
        sd.nn().softmax(PROBABILITIES, logits, 1);
        // softmax cross-entropy summed over the batch; soft labels (Mixup, smoothing) work as they are
        return labels.mul(sd.nn().logSoftmax(logits)).sum().neg();
    }

    @Override
    public String activationsVertexName() {
        return PROBABILITIES;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(numClasses);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        ViLNetwork layer = new ViLNetwork(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }

    public int getDim() { return dim; }
    public void setDim(int dim) { this.dim = dim; }
    public int getDepth() { return depth; }
    public void setDepth(int depth) { this.depth = depth; }
    public int getPatchSize() { return patchSize; }
    public void setPatchSize(int patchSize) { this.patchSize = patchSize; }
    public int getChannels() { return channels; }
    public void setChannels(int channels) { this.channels = channels; }
    public int getHeight() { return height; }
    public void setHeight(int height) { this.height = height; }
    public int getWidth() { return width; }
    public void setWidth(int width) { this.width = width; }
    public int getNumClasses() { return numClasses; }
    public void setNumClasses(int numClasses) { this.numClasses = numClasses; }
    public String getPooling() { return pooling; }
    public void setPooling(String pooling) { this.pooling = pooling; }
    public boolean isLegacyNorm() { return legacyNorm; }
    public void setLegacyNorm(boolean legacyNorm) { this.legacyNorm = legacyNorm; }
    public boolean isProjBias() { return projBias; }
    public void setProjBias(boolean projBias) { this.projBias = projBias; }
    public boolean isNormBias() { return normBias; }
    public void setNormBias(boolean normBias) { this.normBias = normBias; }
    public double getDropPathRate() { return dropPathRate; }
    public void setDropPathRate(double dropPathRate) { this.dropPathRate = dropPathRate; }
    public boolean isDropPathDecay() { return dropPathDecay; }
    public void setDropPathDecay(boolean dropPathDecay) { this.dropPathDecay = dropPathDecay; }
    public long getInitSeed() { return initSeed; }
    public void setInitSeed(long initSeed) { this.initSeed = initSeed; }
    public String getMlstmForm() { return mlstmForm; }
    public void setMlstmForm(String mlstmForm) { this.mlstmForm = mlstmForm; }
    public int getChunkSize() { return chunkSize; }
    public void setChunkSize(int chunkSize) { this.chunkSize = chunkSize; }
    public int getParallelMaxSequence() { return parallelMaxSequence; }
    public void setParallelMaxSequence(int parallelMaxSequence) { this.parallelMaxSequence = parallelMaxSequence; }
}
