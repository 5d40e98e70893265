package io.vilspark.interop;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renames the keys of official Vision-LSTM checkpoints (the training code's layout) to the
 * {@code VisionLSTM2} names, as the reference's {@code hubconf.load_model(preprocess="v2")} does:
 *
 * <pre>
 * [xlstm.]blocks.{2j}.xlstm_norm.X      -> blocks.{j}.rowwise_from_top_left.norm.X   ({2j+1}: rowwise_from_bot_right)
 * [xlstm.]blocks.{2j}.xlstm.conv1d.X    -> blocks.{j}.rowwise_from_top_left.layer.conv.X
 * [xlstm.]blocks.{2j}.xlstm.X           -> blocks.{j}.rowwise_from_top_left.layer.X
 * [xlstm.]post_blocks_norm.X            -> norm.X
 * head.0.X                              -> legacy_norm.X
 * head.1.X                              -> head.X
 * </pre>
 *
 * Any other name (VisionLSTM2 names, {@code patch_embed.*}, {@code pos_embed.*}) is kept, after
 * removing a DDP {@code module.} prefix.
 */
public final class OfficialKeyNames {

    private static final String DDP_PREFIX = "module.";
    private static final String STACK_PREFIX = "xlstm.";
    /** An official block: canonical decimal index (no sign, no leading zeros), then the rest. */
    private static final Pattern OFFICIAL_BLOCK = Pattern.compile("blocks\\.(0|[1-9][0-9]{0,8})\\.(.+)");

    private OfficialKeyNames() {
    }

    public static LinkedHashMap<String, Tensor> toVisionLstm2Names(Map<String, Tensor> stateDict)
            throws CheckpointFormatException {
        return toVisionLstm2Names(stateDict, "state_dict");
    }

    /** Renames every key (order kept); two keys that end up with the same name are an error naming both. */
    public static LinkedHashMap<String, Tensor> toVisionLstm2Names(Map<String, Tensor> stateDict, String source)
            throws CheckpointFormatException {
        LinkedHashMap<String, Tensor> renamed = new LinkedHashMap<>();
        Map<String, String> originOf = new HashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            String target = toVisionLstm2Name(e.getKey());
            String earlier = originOf.putIfAbsent(target, e.getKey());
            if (earlier != null) {
                throw new CheckpointFormatException(source, "keys " + Printable.quote(earlier) + " and "
                        + Printable.quote(e.getKey()) + " both mean " + Printable.quote(target));
            }
            renamed.put(target, e.getValue());
        }
        return renamed;
    }

    /** The VisionLSTM2 name for one key. */
    public static String toVisionLstm2Name(String key) {
        String name = key.startsWith(DDP_PREFIX) ? key.substring(DDP_PREFIX.length()) : key;
        String inStack = name.startsWith(STACK_PREFIX) ? name.substring(STACK_PREFIX.length()) : name;
        Matcher block = OFFICIAL_BLOCK.matcher(inStack);
        if (block.matches()) {
            String inner = innerBlockName(block.group(2));
            if (inner == null) {
                return name;
            }
            int index = Integer.parseInt(block.group(1));
            String direction = index % 2 == 0 ? "rowwise_from_top_left" : "rowwise_from_bot_right";
            return "blocks." + index / 2 + "." + direction + "." + inner;
        }
        if (inStack.startsWith("post_blocks_norm.")) {
            return "norm." + inStack.substring("post_blocks_norm.".length());
        }
        if (name.startsWith("head.0.")) {
            return "legacy_norm." + name.substring("head.0.".length());
        }
        if (name.startsWith("head.1.")) {
            return "head." + name.substring("head.1.".length());
        }
        return name;
    }

    /** Inside an official block: "xlstm_norm.X" -> "norm.X", "xlstm.conv1d.X" -> "layer.conv.X", "xlstm.X" -> "layer.X". */
    private static String innerBlockName(String rest) {
        if (rest.startsWith("xlstm_norm.")) {
            return "norm." + rest.substring("xlstm_norm.".length());
        }
        if (rest.startsWith("xlstm.conv1d.")) {
            return "layer.conv." + rest.substring("xlstm.conv1d.".length());
        }
        if (rest.startsWith("xlstm.")) {
            return "layer." + rest.substring("xlstm.".length());
        }
        return null;
    }
}
