package io.vilspark.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import io.vilspark.config.ModelConfigs;
import io.vilspark.fs.HadoopConf;
import io.vilspark.interop.importer.LocalCheckpoint;
import io.vilspark.interop.importer.Normalisation;
import io.vilspark.interop.importer.Provenance;
import io.vilspark.interop.importer.StateDictLoader;
import io.vilspark.model.ConfigSummary;
import io.vilspark.model.ViLConfig;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vil import}: a PyTorch ViL checkpoint becomes a ViL-Spark model file. */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = JarVersion.class,
        description = {
                "Convert a PyTorch Vision-LSTM checkpoint into a ViL-Spark model file.",
                "Reads torch zip checkpoints (.th/.pth, as the official ones) and .safetensors, with the "
                        + "VisionLSTM2 or the official key names. The state_dict must fit the configured model "
                        + "exactly (same keys, same shapes)."})
final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
            description = "The checkpoint: a local path, a file: URI or any Hadoop path.")
    String checkpoint;

    @Mixin
    ConfigOption configOption;

    @Mixin
    SetOptions setOptions;

    @Option(names = "--out", required = true, paramLabel = "MODEL",
            description = "Model file to write (any Hadoop path); written to a temporary name, then renamed.")
    String out;

    @Option(names = "--mean", split = ",", paramLabel = "M",
            description = "Per-channel mean of pixels in [0, 1] the model expects (default for RGB: ImageNet's "
                    + "0.485,0.456,0.406).")
    List<Double> mean;

    @Option(names = "--std", split = ",", paramLabel = "S",
            description = "Per-channel standard deviation (default for RGB: ImageNet's 0.229,0.224,0.225).")
    List<Double> std;

    @Override
    public Integer call() throws Exception {
        ViLConfig config = ModelConfigs.resolve(configOption.model(), setOptions.asWritten());
        Normalisation normalisation = Normalisation.resolve(mean, std, config.channels());
        Configuration hadoop = HadoopConf.create();
        StateDictLoader.Result loaded;
        String sha256;
        try (LocalCheckpoint local = LocalCheckpoint.of(checkpoint, hadoop)) {
            sha256 = Provenance.sha256(local.path());
            loaded = StateDictLoader.load(local, config);
        }
        List<String> commandLine = spec.root().commandLine().getParseResult().originalArgs();
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.VERSION,
                ModelConfigs.toReferenceJsonMap(config), normalisation.mean(), normalisation.std(), List.of(),
                Provenance.ofImport(checkpoint, sha256, commandLine, JarVersion.get()));
        ModelFile.write(out, loaded.model(), metadata, false, hadoop);

        PrintWriter w = spec.commandLine().getOut();
        w.println("checkpoint  " + checkpoint);
        w.println("sha256      " + sha256);
        w.println("config      " + ConfigSummary.of(config));
        w.println("parameters  " + ConfigSummary.count(loaded.model().numParams()) + " in " + loaded.tensors()
                + " tensors");
        w.println("normalise   mean " + normalisation.mean() + " std " + normalisation.std());
        w.println("wrote       " + out);
        w.flush();
        return 0;
    }
}
