package io.vilspark.model;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;

/**
 * Declares the network's parameters under their reference names (see {@link ReferenceNames});
 * the kind decides weight decay.
 */
final class NetworkParams {
    private NetworkParams() {
    }

    /** Decayed by weight decay: matrices and kernels. */
    static void weight(SDLayerParams params, String referenceName, long... shape) {
        params.addWeightParam(ReferenceNames.toParamKey(referenceName), shape);
    }

    /** Not decayed: biases, norm scales, skips, position embedding. */
    static void bias(SDLayerParams params, String referenceName, long... shape) {
        params.addBiasParam(ReferenceNames.toParamKey(referenceName), shape);
    }
}
