package io.vilspark.model;

import java.util.Locale;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** Which mathematically equivalent form of the mLSTM cell a network computes. */
public enum MLstmForm {
    /** Quadratic in the sequence length, as the reference; fastest for short sequences. */
    PARALLEL {
        @Override
        MLstmCell.Parts define(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v, SDVariable ig, SDVariable fg,
                               int seqLen, int headDim, int chunkSize, boolean reverse,
                               ElementwiseKernels kernels) {
            return MLstmCell.parallelParts(sd, q, kScaled, v, ig, fg, seqLen, reverse, kernels);
        }
    },
    /** Chunks of {@code chunkSize} in parallel, states passed between chunks: linear in the sequence length. */
    CHUNKWISE {
        @Override
        MLstmCell.Parts define(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v, SDVariable ig, SDVariable fg,
                               int seqLen, int headDim, int chunkSize, boolean reverse,
                               ElementwiseKernels kernels) {
            return MLstmCell.chunkwiseParts(sd, q, kScaled, v, ig, fg, seqLen, headDim, chunkSize, reverse, kernels);
        }
    },
    /** One step at a time (the graph grows with the sequence length): for checking and long inference. */
    RECURRENT {
        @Override
        MLstmCell.Parts define(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v, SDVariable ig, SDVariable fg,
                               int seqLen, int headDim, int chunkSize, boolean reverse,
                               ElementwiseKernels kernels) {
            return MLstmCell.recurrentParts(sd, q, kScaled, v, ig, fg, seqLen, headDim, reverse);
        }
    };

    /** See {@link MLstmCell#parallel} for the arguments' shapes; {@code headDim} is DH, {@code chunkSize} only matters to CHUNKWISE;
     * the recurrent form has no element-wise hot spot for {@code kernels}. */
    abstract MLstmCell.Parts define(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v, SDVariable ig, SDVariable fg,
                                    int seqLen, int headDim, int chunkSize, boolean reverse,
                                    ElementwiseKernels kernels);

    /** The configuration name: parallel, chunkwise, recurrent. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MLstmForm fromConfigName(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
