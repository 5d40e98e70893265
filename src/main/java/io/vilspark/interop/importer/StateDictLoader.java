package io.vilspark.interop.importer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vilspark.config.BadInputException;
import io.vilspark.interop.StateDictFiles;
import io.vilspark.interop.Tensor;
import io.vilspark.interop.TensorArrays;
import io.vilspark.model.ConfigSummary;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Builds the model a configuration describes and fills it, strictly, from a checkpoint's state_dict. */
public final class StateDictLoader {
    /** The weights are all overwritten; the seed only makes the throw-away initialisation repeatable. */
    private static final long SEED = 0;

    /** The model plus how many tensors the checkpoint held. */
    public record Result(ViLModel model, int tensors) {
    }

    private StateDictLoader() {
    }

    /** The configured model with every parameter taken from the checkpoint; refuses a state_dict that does not fit. */
    public static Result load(LocalCheckpoint checkpoint, ViLConfig config) throws IOException {
        LinkedHashMap<String, Tensor> stateDict;
        try {
            stateDict = StateDictFiles.read(checkpoint.path());
        } catch (IOException e) {
            if (checkpoint.isCopy()) {
                throw new BadInputException(checkpoint.rename(String.valueOf(e.getMessage())), e);
            }
            throw e;
        }
        requireFloat(stateDict, checkpoint.location());
        Map<String, INDArray> arrays = TensorArrays.toFloatArrays(stateDict);
        ViLModel model = ViLModel.create(config, SEED);
        StateDictMismatch.describe(shapes(model.stateDict()), shapes(arrays)).ifPresent(problem -> {
            throw new BadInputException(checkpoint.location() + ": does not fit the model (" + ConfigSummary.of(config)
                    + "): " + problem);
        });
        try {
            model.loadStateDict(arrays);
        } catch (IllegalArgumentException e) {
            // the check above should have caught it; loadStateDict's own list is the fallback
            throw new BadInputException(checkpoint.location() + ": does not fit the configured model: "
                    + e.getMessage(), e);
        }
        return new Result(model, stateDict.size());
    }

    private static Map<String, long[]> shapes(Map<String, INDArray> arrays) {
        Map<String, long[]> out = new LinkedHashMap<>();
        arrays.forEach((name, a) -> out.put(name, a.shape()));
        return out;
    }

    /** Integer tensors have no place in a ViL state_dict; converting them would hide a wrong file. */
    private static void requireFloat(Map<String, Tensor> stateDict, String location) {
        stateDict.forEach((name, t) -> {
            if (!t.dtype().equals(Tensor.FLOAT32) && !t.dtype().equals(Tensor.FLOAT64)) {
                throw new BadInputException(location + ": tensor '" + name + "' is " + t.dtype()
                        + "; a ViL state_dict holds only float32/float64 parameters");
            }
        });
    }
}
