package io.vilspark.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the state_dict out of a PyTorch zip checkpoint ({@code torch.save}, {@code .th}/{@code .pth})
 * without Python: the pickle goes through {@link RestrictedUnpickler} with the allow-list of
 * {@link TorchPickleGlobals}, the storages come from the zip.
 */
public final class TorchCheckpointReader {

    /** Entries that wrap a state_dict in training checkpoints, in order of preference. */
    private static final List<String> WRAPPER_KEYS = List.of("state_dict", "model");

    private TorchCheckpointReader() {
    }

    /**
     * The state_dict, keys in saved order: the checkpoint's "state_dict" (or "model") entry if it is a
     * dict, else the top-level dict itself if it holds only tensors. float32 storages load as float32,
     * float64 as float64; other storage types (half, bfloat16, integers) are refused.
     */
    public static LinkedHashMap<String, Tensor> readStateDict(Path path) throws IOException {
        String source = path.toString();
        try (TorchArchive archive = TorchArchive.open(path, source)) {
            byte[] pickle = archive.readPickle();
            TensorRebuilder rebuilder = new TensorRebuilder(archive, source);
            Object top = new RestrictedUnpickler(pickle, source, TorchPickleGlobals.allowList(rebuilder, source),
                    TorchPickleGlobals.storageLoader(archive, source)).load();
            return stateDictOf(top, source);
        }
    }

    private static LinkedHashMap<String, Tensor> stateDictOf(Object top, String source)
            throws CheckpointFormatException {
        if (!(top instanceof Map<?, ?> dict)) {
            throw new CheckpointFormatException(source, "checkpoint holds a " + Printable.typeOf(top)
                    + ", expected a state_dict or a dict with a 'state_dict' entry");
        }
        for (String wrapper : WRAPPER_KEYS) {
            if (dict.get(wrapper) instanceof Map<?, ?> inner) {
                return tensorsOf(inner, Printable.quote(wrapper) + " entry", source);
            }
        }
        if (!dict.isEmpty() && dict.values().stream().allMatch(v -> v instanceof Tensor || v instanceof UnloadedTensor)) {
            return tensorsOf(dict, "state_dict", source);
        }
        throw new CheckpointFormatException(source, "no state_dict found: expected a dict of tensors or a dict "
                + "with a 'state_dict' or 'model' dict; top-level keys are " + someKeys(dict));
    }

    private static LinkedHashMap<String, Tensor> tensorsOf(Map<?, ?> dict, String what, String source)
            throws CheckpointFormatException {
        if (dict.isEmpty()) {
            throw new CheckpointFormatException(source, "the " + what + " is empty");
        }
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new CheckpointFormatException(source, "the " + what + " has a key of type "
                        + Printable.typeOf(e.getKey()) + ", expected str");
            }
            Object value = e.getValue();
            if (value instanceof UnloadedTensor u) {
                throw new CheckpointFormatException(source, "non-float32 storage for key " + Printable.quote(key)
                        + ": torch." + u.type().className + " (" + u.type().torchDtype + ") is not supported; "
                        + "save the model in float32 (model.float()) first");
            }
            if (!(value instanceof Tensor tensor)) {
                throw new CheckpointFormatException(source, "key " + Printable.quote(key) + " of the " + what
                        + " is a " + Printable.typeOf(value) + ", not a tensor");
            }
            tensors.put(key, tensor);
        }
        return tensors;
    }

    private static String someKeys(Map<?, ?> dict) {
        List<String> keys = new ArrayList<>();
        for (Object k : dict.keySet()) {
            if (keys.size() == 10) {
                keys.add("...");
                break;
            }
            keys.add(k instanceof String s ? Printable.quote(s) : Printable.typeOf(k));
        }
        return keys.toString();
    }
}
