package io.vilspark.inference;

import java.io.IOException;
import java.util.Arrays;

import io.vilspark.config.BadInputException;
import io.vilspark.interop.NpyArrays;
import io.vilspark.interop.Tensor;
import io.vilspark.interop.TensorArrays;
import io.vilspark.model.ViLConfig;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads normalised NCHW images from a {@code .npy} file and checks they fit a model. float64 images are rounded to
 * float32, the precision the model computes in (vil predict --help says so).
 */
public final class ImagesFile {
    private ImagesFile() {
    }

    /** The images at {@code location} as float32 {@code [N, C, H, W]}; refuses other dtypes, shapes and N = 0. */
    public static INDArray read(String location, Configuration hadoop, ViLConfig config) throws IOException {
        Tensor t = NpyArrays.read(location, hadoop);
        String expected = "[B, " + config.channels() + ", " + config.height() + ", " + config.width() + "]";
        if (!t.dtype().equals(Tensor.FLOAT32) && !t.dtype().equals(Tensor.FLOAT64)) {
            throw new BadInputException(location + ": images are " + t.dtype() + "; expected float32 (or float64) "
                    + expected + " NCHW, already normalised");
        }
        long[] s = t.shape();
        if (s.length != 4 || s[1] != config.channels() || s[2] != config.height() || s[3] != config.width()) {
            throw new BadInputException(location + ": images have shape " + Arrays.toString(s)
                    + ", the model expects " + expected + " (float32 NCHW, already normalised)");
        }
        if (s[0] == 0) {
            throw new BadInputException(location + ": holds no images (shape " + Arrays.toString(s) + ")");
        }
        return TensorArrays.toArray(t).castTo(DataType.FLOAT);
    }
}
