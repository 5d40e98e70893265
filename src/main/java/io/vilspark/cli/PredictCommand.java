package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;

import io.vilspark.config.BadInputException;
import io.vilspark.fs.HadoopConf;
import io.vilspark.inference.BatchedPredictor;
import io.vilspark.inference.ImagesFile;
import io.vilspark.inference.PredictOutput;
import io.vilspark.interop.NpyArrays;
import io.vilspark.model.ConfigSummary;
import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vil predict}: logits or features of images given as a NumPy array. */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Run a model on images from a .npy file and write logits or features as a float32 .npy file.",
                "The images must be float32 [B, C, H, W] (NCHW), already normalised with the model's mean/std; "
                        + "float64 images are accepted and rounded to float32, the precision the model computes in."})
final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model file (any Hadoop path).")
    String model;

    @Option(names = "--images", required = true, paramLabel = "IMAGES.npy",
            description = "float32 (or float64, rounded to float32) [B, C, H, W] images, normalised (any Hadoop path).")
    String images;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy",
            description = "Output .npy (float32), written to a temporary name, then renamed.")
    String out;

    @ArgGroup(exclusive = true)
    OutputChoice outputChoice;

    @Mixin
    BatchOption batchOption = new BatchOption(32);

    @Option(names = "--compare", paramLabel = "EXPECTED.npy",
            description = {"Compare the result with a reference array (e.g. PyTorch's output for the same images):",
                    "prints max|diff| / max|reference| and fails if it exceeds --tolerance."})
    String compare;

    @Option(names = "--tolerance", defaultValue = "1e-5", paramLabel = "REL",
            description = "Largest accepted max|diff| / max|reference| for --compare (default: ${DEFAULT-VALUE}, float32 rounding).")
    double tolerance;

    /** Logits unless one of these is given. */
    static final class OutputChoice {
        @Option(names = "--features", description = "Write the pooled features that feed the head, [B, F].")
        boolean features;

        @Option(names = "--tokens", description = "Write per-patch token features after the final norm, [B, S, dim].")
        boolean tokens;
    }

    @Override
    public Integer call() throws Exception {
        int batch = batchOption.size();
        PredictOutput output = outputChoice == null ? PredictOutput.LOGITS
                : outputChoice.features ? PredictOutput.FEATURES
                : outputChoice.tokens ? PredictOutput.TOKENS : PredictOutput.LOGITS;
        Configuration hadoop = HadoopConf.create();
        ViLModel vil = ModelFile.read(model, false, hadoop).model();
        INDArray input = ImagesFile.read(images, hadoop, vil.config());
        INDArray result = BatchedPredictor.run(vil, output, input, batch);
        NpyArrays.write(out, result, hadoop);

        PrintWriter w = spec.commandLine().getOut();
        w.println("model    " + model + " (" + ConfigSummary.of(vil.config()) + ")");
        w.println("images   " + images + " " + Arrays.toString(input.shape()));
        w.println("wrote    " + out + ": " + output.label + " " + Arrays.toString(result.shape()) + " float32");
        if (compare != null) {
            INDArray expected = NpyArrays.readFloats(compare, hadoop);
            if (!Arrays.equals(expected.shape(), result.shape())) {
                throw new BadInputException(compare + ": shape " + Arrays.toString(expected.shape())
                        + " differs from the result's " + Arrays.toString(result.shape()));
            }
            // relative to the largest reference value: element-wise ratios explode near zero
            double maxRef = expected.amaxNumber().doubleValue();
            double rel = expected.sub(result).amaxNumber().doubleValue() / maxRef;
            w.printf("compare  max|diff| / max|reference| = %.3g (tolerance %.1g): %s%n", rel, tolerance,
                    rel <= tolerance ? "match" : "MISMATCH");
            w.flush();
            if (!(rel <= tolerance)) {
                throw new BadInputException("result differs from " + compare + ": max|diff| / max|reference| = "
                        + rel + " > " + tolerance);
            }
        }
        w.flush();
        return 0;
    }
}
