package io.vilspark.train;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.vilspark.config.UsageException;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.read.ModelCompatibility;
import io.vilspark.data.read.ReadMode;
import io.vilspark.data.read.ReaderConfig;
import io.vilspark.data.read.ShardDatasets;
import io.vilspark.fs.StorageWriteException;
import io.vilspark.inference.NativeKernels;
import io.vilspark.inference.NativeThreads;
import io.vilspark.inference.ProcessMemory;
import io.vilspark.model.ViLConfig;
import io.vilspark.model.ViLGraph;
import io.vilspark.model.ViLModel;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@code vil train}: the ViL network trained on the executors with parameter averaging
 * ({@link ParameterAveraging}). Each executor reads its own shards (the reader's RDD), trains {@code averaging_frequency}
 * minibatches, and the driver averages parameters and updater state (or, with {@code train.sync = gradients},
 * applies one update per step with the sum of the workers' gradients: {@link GradientSteps}). After every epoch: validation
 * loss and top-1/top-5, a line in {@code metrics.jsonl}, {@code curves.png} and a checkpoint.
 */
public final class TrainJob {
    /**
     * @param data       prepared dataset root (train and val splits)
     * @param out        output folder: checkpoints/, model.zip, metrics.jsonl, curves.png
     * @param recipe     recipe name or .conf file
     * @param overrides  key=value overrides of the recipe
     * @param resume     continue from the newest complete checkpoint in {@code out}
     * @param initialModel null, or a model file whose parameters start the run (fine-tuning): same architecture
     *                   as the recipe's; fresh optimizer state and a fresh warm-up + cosine schedule over this
     *                   run's epochs (a warm restart). A resumed run continues from its checkpoint instead.
     */
    public record Settings(String data, String out, String recipe, List<String> overrides, boolean resume,
                           String initialModel) {
        public Settings(String data, String out, String recipe, List<String> overrides, boolean resume) {
            this(data, out, recipe, overrides, resume, null);
        }
    }

    /** What a finished run reports. */
    public record Result(String model, List<EpochMetrics> epochs) {
        public EpochMetrics last() {
            return epochs.get(epochs.size() - 1);
        }
    }

    private final SparkSession spark;
    private final PrintStream out;
    private final List<GraphTrainingHook> hooks;

    public TrainJob(SparkSession spark, PrintStream out) {
        this(spark, out, List.of());
    }

    /**
     * @param hooks shipped to the workers and called there before and after every minibatch
     *              (measurements, tests that look at the workers' models)
     */
    public TrainJob(SparkSession spark, PrintStream out, List<? extends GraphTrainingHook> hooks) {
        this.spark = spark;
        this.out = out;
        this.hooks = List.copyOf(hooks);
    }

    public Result run(Settings s) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        RecipeFile recipeFile = RecipeFile.load(s.recipe(), s.overrides());
        TrainingRecipe recipe = recipeFile.recipe();
        ViLConfig config = recipe.trainedModel(recipeFile.model());
        DatasetManifest manifest = DatasetManifest.read(s.data(), hadoop);
        ModelCompatibility.checkCompatible(manifest, config, s.data());
        // every shard an epoch and its validation read, checked before hours of training depend on them
        ShardDatasets.checkSplit(s.data(), "train", hadoop);
        ShardDatasets.checkSplit(s.data(), "val", hadoop);
        long trainImages = manifest.rows().getOrDefault("train", 0L);
        int stepsPerEpoch = recipe.stepsPerEpoch(trainImages);
        recipe.warmupNotice().ifPresent(notice -> out.println("train: " + notice));

        CheckpointStore checkpoints = new CheckpointStore(s.out(), hadoop);
        MetricsLog metrics = new MetricsLog(new Path(s.out(), "metrics.jsonl").toString(), hadoop);
        ComputationGraph graph;
        int firstEpoch;
        if (s.resume()) {
            Optional<CheckpointStore.Checkpoint> last = checkpoints.newestReadable(msg -> out.println("train: " + msg));
            if (last.isPresent()) {
                graph = last.get().model().graph();
                firstEpoch = last.get().epoch();
                metrics.loadUpTo(firstEpoch);
                out.println("train: resuming after epoch " + firstEpoch + " (step " + last.get().step() + ") from "
                        + last.get().file());
            } else {
                out.println("train: no complete checkpoint in " + s.out() + ": starting from scratch");
                graph = startingNetwork(s, config, recipe, stepsPerEpoch, hadoop);
                firstEpoch = 0;
            }
        } else {
            if (!checkpoints.files().isEmpty()) {
                throw new UsageException(s.out() + " already holds checkpoints of a run: pass --resume to "
                        + "continue it, or choose another --out");
            }
            graph = startingNetwork(s, config, recipe, stepsPerEpoch, hadoop);
            firstEpoch = 0;
        }

        checkpoints.checkWritable();

        ReaderConfig reader = recipe.readerConfig();
        out.printf("train: %s on %s: %,d training images, %d steps/epoch, %d epochs, global batch %d (%d worker(s) x %d), "
                        + "peak lr %.3g%n", describe(config), s.data(), trainImages, stepsPerEpoch, recipe.epochs(),
                recipe.globalBatch(), recipe.workers(), recipe.batchPerWorker(), recipe.peakLr());

        List<GraphTrainingHook> workerHooks = new ArrayList<>(hooks);
        if (spark.sparkContext().isLocal()) {
            // the workers are threads of this JVM: share its cores out among them
            int cores = Runtime.getRuntime().availableProcessors();
            out.println("train: native threads " + NativeThreads.splitBatches(cores / recipe.workers()).describe());
            out.println("train: native kernels " + NativeKernels.current().describe());
        } else {
            workerHooks.add(new WorkerThreads(spark.sparkContext().conf().getInt("spark.task.cpus", 1)));
        }

        int rounds = Math.max(1, stepsPerEpoch / recipe.minibatchesPerRound());
        long imagesPerRound = (long) recipe.globalBatch() * recipe.minibatchesPerRound();
        String model = new Path(s.out(), "model.zip").toString();
        ParameterAveraging averaging = new ParameterAveraging(spark, recipe, workerHooks);
        TrainingProgress progress = new TrainingProgress(out, 15);
        spark.sparkContext().addSparkListener(progress);
        TrainingMetricsSource trainingMetrics = TrainingMetricsSource.register();
        averaging.reportTo(trainingMetrics);
        try {
            for (int epoch = firstEpoch; epoch < recipe.epochs(); epoch++) {
                progress.startEpoch("epoch " + (epoch + 1) + "/" + recipe.epochs(), rounds, imagesPerRound,
                        recipe.sync() == TrainingSync.GRADIENTS ? "step" : "round");
                long t0 = System.nanoTime();
                JavaRDD<DataSet> train = ShardDatasets.read(spark, s.data(), "train", config, reader, ReadMode.TRAIN, epoch,
                        recipe.workers());
                // the reader's order is fixed by the epoch: a resumed run trains epoch e as an uninterrupted one
                double trainLoss = averaging.trainEpoch(graph, train, "epoch " + (epoch + 1) + "/" + recipe.epochs())
                        .meanLoss();
                double seconds = (System.nanoTime() - t0) / 1e9;
                progress.endEpoch();
                if (!Double.isFinite(trainLoss) || graph.params().isInfinite().any() || graph.params().isNaN().any()) {
                    throw new NonFiniteLossException("training loss became " + trainLoss + " in epoch " + (epoch + 1)
                            + "; stopped. The last good checkpoint stays in " + new Path(s.out(), "checkpoints")
                            + " (lower train.lr or check the data)");
                }
                EpochMetrics m;
                try {
                    m = validate(graph, s.data(), config, reader, manifest, epoch + 1, trainLoss, seconds,
                            trainImages);
                } catch (IOException | RuntimeException e) {
                    // the epoch's training is done and paid for: keep it before reporting the validation failure
                    keepTrainedEpoch(checkpoints, new ViLModel(config, graph), s, manifest, epoch + 1, e);
                    throw e;
                }
                // the driver's resident memory (in local mode the whole training's): flat from epoch to epoch
                String resident = ProcessMemory.now().residentBytes().stream()
                        .mapToObj(b -> String.format(Locale.ROOT, ", driver resident %.2f GB", b / 1e9)).findFirst().orElse("");
                out.printf(Locale.ROOT, "train: epoch %d/%d: train loss %.4f, val loss %.4f, val top-1 %.4f, top-5 %.4f, "
                                + "%.1f images/s, lr %.3g%s%n", m.epoch(), recipe.epochs(), m.trainLoss(), m.valLoss(),
                        m.valTop1(), m.valTop5(), m.imagesPerSecond(), m.lr(), resident);
                ViLModel trained = new ViLModel(config, graph);
                try {
                    metrics.append(m);
                    TrainingCurves.write(new Path(s.out(), "curves.png").toString(), metrics.epochs(), hadoop);
                    checkpoints.write(trained, metadata(s, manifest, config, epoch + 1, m.step()), epoch + 1);
                } catch (StorageWriteException e) {
                    throw new IOException(e.getMessage() + "; stopped after epoch " + (epoch + 1) + ". Checkpoints "
                            + "written before are intact in " + checkpoints.folder() + ": fix the storage and rerun "
                            + "with --resume", e);
                }
            }
        } finally {
            // also when an epoch fails: a failed run must not leave its listener on a shared SparkContext
            spark.sparkContext().removeSparkListener(progress);
            progress.close();
            trainingMetrics.close();
        }
        ViLModel trained = new ViLModel(config, graph);
        ModelFile.write(model, trained, metadata(s, manifest, config, recipe.epochs(),
                graph.getConfiguration().getIterationCount()), false, hadoop);
        out.println("train: wrote " + model);
        return new Result(model, metrics.epochs());
    }

    private EpochMetrics validate(ComputationGraph net, String data, ViLConfig config, ReaderConfig reader,
                                  DatasetManifest manifest, int epoch, double trainLoss, double seconds,
                                  long trainImages) throws IOException {
        // the validation split is small: its footers are checked again, a shard damaged since planning is one line
        ShardDatasets.checkSplit(data, "val", spark.sparkContext().hadoopConfiguration());
        JavaRDD<DataSet> val = ShardDatasets.read(spark, data, "val", config, reader, ReadMode.EVAL, 0);
        val.cache();
        try {
            // loss and accuracy in one pass over the validation images
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            jsc.setJobDescription("validate epoch " + epoch);
            ValidationPass.Result result = ValidationPass.run(jsc, net, val, manifest.classes(),
                    Math.min(5, config.numClasses()));
            jsc.setJobDescription(null);
            var eval = result.accuracy();
            double valLoss = result.loss().meanLoss();
            long step = net.getConfiguration().getIterationCount();
            double lr = net.getLayer(0).conf().getLayer().getUpdaterByParam(
                    net.getLayer(0).paramTable().keySet().iterator().next()).getLearningRate(
                    (int) step, net.getConfiguration().getEpochCount());
            return new EpochMetrics(epoch, step, trainLoss, valLoss, eval.accuracy(), eval.topNAccuracy(), lr, seconds,
                    trainImages / seconds);
        } finally {
            val.unpersist();
        }
    }

    /** The checkpoint of a trained epoch whose validation failed, so that --resume continues after it. */
    private void keepTrainedEpoch(CheckpointStore checkpoints, ViLModel trained, Settings s, DatasetManifest manifest,
                                  int epoch, Exception failure) {
        try {
            long step = trained.graph().getConfiguration().getIterationCount();
            checkpoints.write(trained, metadata(s, manifest, trained.config(), epoch, step), epoch);
            out.println("train: validation failed after epoch " + epoch + "; its training is kept in "
                    + checkpoints.folder() + ": fix the validation split and rerun with --resume");
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** A fresh network, with the initial model's parameters when the settings name one. */
    private ComputationGraph startingNetwork(Settings s, ViLConfig config, TrainingRecipe recipe, int stepsPerEpoch,
                                             Configuration hadoop) throws IOException {
        ComputationGraph graph = freshNetwork(config, recipe, stepsPerEpoch);
        if (s.initialModel() != null) {
            ModelFile.Loaded start = ModelFile.read(s.initialModel(), false, hadoop);
            ViLConfig startConfig = start.model().config();
            if (!recipe.trainedModel(startConfig).toReferenceArguments().equals(config.toReferenceArguments())
                    || start.model().graph().numParams() != graph.numParams()) {
                throw new UsageException(s.initialModel() + ": its architecture differs from the recipe's model ("
                        + describe(startConfig) + " vs " + describe(config) + ")");
            }
            graph.setParams(start.model().graph().params());
            out.println("train: starting from the parameters of " + s.initialModel()
                    + " (fresh optimizer state, learning-rate schedule restarted)");
        }
        return graph;
    }

    private ComputationGraph freshNetwork(ViLConfig config, TrainingRecipe recipe, int stepsPerEpoch) {
        return ViLGraph.newNetwork(TrainingGraph.configuration(config, recipe, stepsPerEpoch, recipe.seed()));
    }

    private static ModelMetadata metadata(Settings s, DatasetManifest manifest, ViLConfig config, int epoch, long step) {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put(CheckpointStore.EPOCH, epoch);
        provenance.put(CheckpointStore.STEP, step);
        provenance.put("recipe", s.recipe());
        provenance.put("overrides", s.overrides());
        provenance.put("data", s.data());
        if (s.initialModel() != null) {
            provenance.put("initial_model", s.initialModel());
        }
        provenance.put("data_rows", manifest.rows());
        provenance.put("created_at", Instant.now().toString());
        return new ModelMetadata(ModelMetadata.FORMAT, ModelMetadata.VERSION, config.toReferenceArguments(),
                manifest.mean(), manifest.std(), manifest.classes(), provenance);
    }

    private static String describe(ViLConfig c) {
        return "ViL dim " + c.dim() + ", " + c.depth() + " pairs, patch " + c.patchSize() + ", " + c.channels() + "x"
                + c.height() + "x" + c.width() + ", " + c.numClasses() + " classes";
    }
}
