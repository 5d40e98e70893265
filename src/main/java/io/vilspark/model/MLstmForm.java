package io.vilspark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** Which mathematically equivalent form of the mLSTM cell a network computes. */
enum MLstmForm {
    /** Quadratic in the sequence length, as the reference; fastest for short sequences. */
    PARALLEL {
        @Override
        MLstmCell.Parts define(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v, SDVariable ig, SDVariable fg,
                               int seqLen, boolean reverse) {
            return MLstmCell.parallelParts(sd, q, kScaled, v, ig, fg, seqLen, reverse);
        }
    };

    /** See {@link MLstmCell#parallel} for the arguments' shapes. */
    abstract MLstmCell.Parts define(SameDiff sd, SDVariable q, SDVariable kScaled, SDVariable v, SDVariable ig, SDVariable fg,
                               int seqLen, boolean reverse);
}
