package io.vilspark.interop;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The complete allow-list of Python globals a torch state_dict pickle may name, and the persistent-id
 * loader for its storages. Everything else ({@code os system}, {@code builtins eval}, ...) is refused
 * by {@link RestrictedUnpickler} before anything happens.
 */
final class TorchPickleGlobals {

    private TorchPickleGlobals() {
    }

    static Map<String, Object> allowList(TensorRebuilder rebuilder, String source) {
        Map<String, Object> allowed = new HashMap<>();
        allowed.put("collections OrderedDict", (PickleCallable) args -> newOrderedDict(args, source));
        allowed.put("torch._utils _rebuild_tensor_v2", rebuilder);
        // nn.Parameter pickles as _rebuild_parameter(tensor, requires_grad, hooks[, state]): keep the tensor
        allowed.put("torch._utils _rebuild_parameter", (PickleCallable) args -> parameterData(args, 3, source));
        allowed.put("torch._utils _rebuild_parameter_with_state",
                (PickleCallable) args -> parameterData(args, 4, source));
        for (TorchStorageType type : TorchStorageType.values()) {
            allowed.put(type.globalName(), type);
        }
        return Map.copyOf(allowed);
    }

    /** Resolves ('storage', storage_type, key, location, numel) against the archive. */
    static RestrictedUnpickler.PersistentLoader storageLoader(TorchArchive archive, String source) {
        return pid -> {
            if (!(pid instanceof PyTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
                throw new CheckpointFormatException(source, "persistent id must be a tuple ('storage', type, key, "
                        + "location, numel), got " + Printable.typeOf(pid));
            }
            if (!(t.get(1) instanceof TorchStorageType type)) {
                throw new CheckpointFormatException(source, "persistent id names no storage type, got "
                        + Printable.typeOf(t.get(1)));
            }
            if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String)
                    || !(t.get(4) instanceof Long numel)) {
                throw new CheckpointFormatException(source, "persistent id needs a str key, a str location and "
                        + "an int element count");
            }
            return archive.storage(type, key, numel);
        };
    }

    private static Object newOrderedDict(PyTuple args, String source) throws CheckpointFormatException {
        if (args.size() != 0) {
            throw new CheckpointFormatException(source, "OrderedDict(...) with arguments is not supported");
        }
        return new LinkedHashMap<Object, Object>();
    }

    private static Object parameterData(PyTuple args, int arity, String source) throws CheckpointFormatException {
        if (args.size() != arity || !(args.get(0) instanceof Tensor || args.get(0) instanceof UnloadedTensor)) {
            throw new CheckpointFormatException(source, "parameter must be rebuilt from a tensor and "
                    + (arity - 1) + " more arguments");
        }
        return args.get(0);
    }
}
