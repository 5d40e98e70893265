package io.vilspark.interop;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;

import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** NumPy {@code .npy} files on any Hadoop path; writes are atomic (temporary name, then rename). */
public final class NpyArrays {
    private NpyArrays() {
    }

    /** The array a {@code .npy} file holds, refusing bytes after it. */
    public static Tensor read(String location, Configuration hadoop) throws IOException {
        Path path = new Path(location);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            throw new NoSuchFileException(location);
        }
        try (InputStream in = new BufferedInputStream(fs.open(path), 1 << 16)) {
            Tensor tensor = NpyFile.read(in, location);
            // A .npy file holds one array: anything after it means the header's shape is not the file's.
            if (in.read() >= 0) {
                throw new CheckpointFormatException(location, "npy file has bytes after the array its header "
                        + "announces (shape " + java.util.Arrays.toString(tensor.shape()) + ")");
            }
            return tensor;
        }
    }

    /** Any numeric .npy as a float32 array. */
    public static INDArray readFloats(String location, Configuration hadoop) throws IOException {
        return TensorArrays.toArray(read(location, hadoop)).castTo(DataType.FLOAT);
    }

    /** Writes {@code array} as a float32 {@code .npy} file, atomically. */
    public static void write(String location, INDArray array, Configuration hadoop) throws IOException {
        Tensor tensor = TensorArrays.toTensor(array.castTo(DataType.FLOAT));
        AtomicHadoopWrite.write(location, hadoop, out -> {
            OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
            NpyFile.write(buffered, tensor);
            buffered.flush();
        });
    }
}
