package io.vilspark.model;

/**
 * The one-to-one mapping between reference (PyTorch {@code VisionLSTM2.state_dict()}) names and
 * DL4J parameter keys.
 *
 * <p>DL4J splits {@code layer_param} keys on '_', so a parameter key is the reference name in
 * camelCase ({@code layer.q_proj.weight} becomes {@code layer.qProj.weight}); reference names
 * have no capitals, so the mapping inverts exactly. Every parameter, the head's included, keeps
 * the reference's shape.
 */
public final class ReferenceNames {
    private ReferenceNames() {
    }

    /** {@code blocks.0.rowwise_from_top_left.norm.weight} to {@code blocks.0.rowwiseFromTopLeft.norm.weight}. */
    public static String toParamKey(String referenceName) {
        StringBuilder sb = new StringBuilder(referenceName.length());
        boolean upper = false;
        for (char c : referenceName.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    /** Inverse of {@link #toParamKey(String)}. */
    public static String toReferenceName(String paramKey) {
        StringBuilder sb = new StringBuilder(paramKey.length() + 8);
        for (char c : paramKey.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Reference name of a {@code ComputationGraph.paramTable()} key ({@code layer_paramKey}). */
    public static String fromGraphKey(String graphKey) {
        return toReferenceName(graphKey.substring(graphKey.indexOf('_') + 1));
    }

    /** Prefix of the reference names of sub-block {@code index} (0-based over all 2*depth sub-blocks). */
    public static String blockPrefix(int index) {
        return "blocks." + (index / 2) + (index % 2 == 0 ? ".rowwise_from_top_left." : ".rowwise_from_bot_right.");
    }

    /** Name of the reference activation file of sub-block {@code index} ({@code block_0_top_left}). */
    public static String blockActivationName(int index) {
        return "block_" + (index / 2) + (index % 2 == 0 ? "_top_left" : "_bot_right");
    }
}
