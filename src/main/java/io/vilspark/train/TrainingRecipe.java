package io.vilspark.train;

import java.io.Serializable;
import java.util.List;

import com.typesafe.config.Config;
import org.apache.spark.storage.StorageLevel;
import io.vilspark.config.Bounds;
import io.vilspark.config.JobConfig;
import io.vilspark.config.SettingsBlock;
import io.vilspark.data.read.AugmentationConfig;
import io.vilspark.data.read.ReaderConfig;
import io.vilspark.model.ViLConfig;

/**
 * How a model is trained: the {@code train { ... }} block of a job configuration (keys and defaults in
 * {@code conf/jobs/train.conf}; recipes in {@code conf/recipes}). Values are checked when read; errors
 * name the key ({@code train.epochs}) and where it was written.
 *
 * <p>Steps: one optimizer step trains on {@code globalBatch} images ({@code workers x batchPerWorker}
 * under parameter averaging); the schedule counts these steps as DL4J's iteration counter does.
 *
 * @param epochs              passes over the training split
 * @param globalBatch         images per optimizer step over all workers
 * @param workers             Spark tasks training in parallel
 * @param batchPerWorker      images per minibatch on one worker ({@code globalBatch / workers})
 * @param averagingFrequency  minibatches each worker trains between two parameter averagings
 * @param sync                how the workers' work becomes one model: averaged parameters every
 *                            {@code averagingFrequency} minibatches, or summed gradients every step
 * @param aggregationDepth    levels of Spark's {@code treeAggregate} that sum the workers' results (2: Spark's
 *                            default); deeper trees leave fewer partial sums for the driver to receive and add
 * @param prefetch            minibatches a worker loads ahead; 0 = off
 * @param dataCache           Spark storage level of an epoch's minibatches while its averaging rounds
 *                            draw from them ({@code NONE}: read the shards again each round)
 * @param lr                  base learning rate, before batch-size scaling
 * @param lrScaleBatch        peak lr = lr x globalBatch / lrScaleBatch; 0 = no scaling
 * @param warmupEpochs        linear warm-up length in epochs (may be fractional); one as long as the run or longer
 *                            is clipped to end a step before the run does ({@link #warmupNotice()})
 * @param endLr               learning rate at the last step
 * @param weightDecay         decoupled weight decay coefficient, on weight params only
 * @param beta1               Adam's beta1
 * @param beta2               Adam's beta2
 * @param eps                 Adam's epsilon
 * @param gradClip            max L2 norm of all gradients together; 0 = no clipping
 * @param dropPath            stochastic-depth rate for training; null = the model's own {@code drop_path_rate}
 * @param seed                seed of parameter initialisation and of all randomness in training
 * @param checkpointEverySteps extra checkpoints every so many steps; 0 = at the end of each epoch only
 * @param augment             the reader's {@code augment} block, as written (the reader checks it)
 */
public record TrainingRecipe(int epochs, int globalBatch, int workers, int batchPerWorker, int averagingFrequency,
                             TrainingSync sync, int aggregationDepth, int prefetch, String dataCache, double lr, int lrScaleBatch, double warmupEpochs, double endLr,
                             double weightDecay, double beta1, double beta2, double eps, double gradClip,
                             Double dropPath, long seed, int checkpointEverySteps, Config augment)
        implements Serializable {

    /** The block of the job configuration that holds the recipe. */
    public static final String SECTION = "train";
    /** Classpath resource with every key and its default. */
    public static final String DEFAULTS_RESOURCE = "jobs/train.conf";

    /**
     * Reads the {@code train} block of a job configuration (a whole document: the block is found at
     * {@code train}). Keys left out take the defaults; unknown keys and bad values fail with a
     * {@link io.vilspark.config.ConfigException} naming the key.
     */
    public static TrainingRecipe fromConfig(Config job) {
        Config merged = JobConfig.load(TrainingDefaults.load(), job, List.of());
        return read(SettingsBlock.of(merged, SECTION));
    }

    private static TrainingRecipe read(SettingsBlock s) {
        int globalBatch = s.integer("global_batch", 1);
        int workers = s.integer("workers", 1);
        int batchPerWorker = s.integer("batch_per_worker", 0);
        if (batchPerWorker == 0) {
            if (globalBatch % workers != 0) {
                throw s.error("global_batch", globalBatch + " is not a multiple of " + s.path("workers") + " = " + workers
                        + " (or set " + s.path("batch_per_worker") + " so that workers x batch_per_worker = global_batch)");
            }
            batchPerWorker = globalBatch / workers;
        } else if ((long) batchPerWorker * workers != globalBatch) {
            throw s.error("batch_per_worker", batchPerWorker + " x " + s.path("workers") + " " + workers + " = "
                    + (long) batchPerWorker * workers + " images per step, but " + s.path("global_batch") + " = "
                    + globalBatch + " (0 derives it)");
        }
        int epochs = s.integer("epochs", 1);
        double lr = s.number("lr", Bounds.above(0));
        int lrScaleBatch = s.integer("lr_scale_batch", 0);
        double peak = peakLr(lr, globalBatch, lrScaleBatch);
        double warmupEpochs = s.number("warmup_epochs", Bounds.atLeast(0));
        double endLr = s.number("end_lr", Bounds.atLeast(0));
        if (endLr > peak) {
            throw s.error("end_lr", endLr + " is above the peak learning rate " + peak
                    + " (lr x global_batch / lr_scale_batch)");
        }
        List<Double> betas = s.numbers("betas", 2, Bounds.closedOpen(0, 1));
        Double dropPath = s.isNull("drop_path") ? null : s.number("drop_path", Bounds.closedOpen(0, 1));
        // the reader owns these keys; here the block is only required to be a block
        Config augment = s.block("augment");
        return new TrainingRecipe(epochs, globalBatch, workers, batchPerWorker, s.integer("averaging_frequency", 1),
                sync(s, "sync"), s.integer("aggregation_depth", 1, 8), s.integer("prefetch", 0), storageLevel(s, "data_cache"), lr, lrScaleBatch, warmupEpochs, endLr,
                s.number("weight_decay", Bounds.atLeast(0)), betas.get(0), betas.get(1), s.number("eps", Bounds.above(0)),
                s.number("grad_clip", Bounds.atLeast(0)), dropPath, s.integral("seed", Long.MIN_VALUE, Long.MAX_VALUE),
                s.integer("checkpoint_every_steps", 0), augment);
    }

    /** A Spark storage level by name ({@code MEMORY_ONLY}, {@code MEMORY_ONLY_SER}, ..., {@code NONE}). */
    private static String storageLevel(SettingsBlock s, String key) {
        String name = s.string(key);
        try {
            StorageLevel.fromString(name);
        } catch (IllegalArgumentException e) {
            throw s.error(key, "expected a Spark storage level (MEMORY_ONLY, MEMORY_ONLY_SER, MEMORY_AND_DISK_SER, "
                    + "NONE, ...), got " + name);
        }
        return name;
    }

    private static TrainingSync sync(SettingsBlock s, String key) {
        String name = s.string(key);
        return TrainingSync.ofKey(name).orElseThrow(
                () -> s.error(key, "expected one of " + TrainingSync.keys() + ", got " + name));
    }

    /**
     * Minibatches each worker trains per Spark job: {@code averaging_frequency} when parameters are
     * averaged, one when gradients are summed (every step is a job).
     */
    public int minibatchesPerRound() {
        return sync == TrainingSync.GRADIENTS ? 1 : averagingFrequency;
    }

    /** Where an epoch's minibatches are kept during its rounds, or null for nowhere ({@code NONE}). */
    public StorageLevel dataStorageLevel() {
        StorageLevel level = StorageLevel.fromString(dataCache);
        return level.equals(StorageLevel.NONE()) ? null : level;
    }

    private static double peakLr(double lr, int globalBatch, int lrScaleBatch) {
        return lrScaleBatch == 0 ? lr : lr * globalBatch / lrScaleBatch;
    }

    /** The learning rate at the end of warm-up: {@code lr x global_batch / lr_scale_batch} (or {@code lr}). */
    public double peakLr() {
        return peakLr(lr, globalBatch, lrScaleBatch);
    }

    /**
     * Optimizer steps per epoch: every step takes {@code global_batch} images ({@code batch_per_worker}
     * on each worker at once), so an epoch is {@code ceil(trainImages / global_batch)} steps, as the
     * reference counts them (each worker trains all of its round's minibatches and the driver follows
     * the steps taken: {@link ParameterAveraging}). A worker's last minibatch may
     * be short, so with several workers an epoch can take a step or two more.
     */
    public int stepsPerEpoch(long trainImages) {
        if (trainImages < 1) {
            throw new IllegalArgumentException("no training images (" + trainImages + ")");
        }
        return Math.toIntExact((trainImages + globalBatch - 1) / globalBatch);
    }

    /**
     * Warm-up steps: {@code warmup_epochs} epochs, rounded to whole steps, and at most all steps but the last: the
     * cosine needs one (a one-epoch fine-tune with a recipe's one-epoch warm-up still runs).
     */
    public int warmupSteps(int stepsPerEpoch) {
        long steps = Math.round(warmupEpochs * stepsPerEpoch);
        return (int) Math.max(0, Math.min(steps, totalSteps(stepsPerEpoch) - 1L));
    }

    /** The one line that says the warm-up was clipped to the run, or empty when it fits. */
    public java.util.Optional<String> warmupNotice() {
        if (warmupEpochs < epochs) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(SECTION + ".warmup_epochs = " + (warmupEpochs == Math.rint(warmupEpochs) ? Long.toString((long) warmupEpochs)
                : Double.toString(warmupEpochs))
                + " is not shorter than the run (" + SECTION + ".epochs = " + epochs
                + "): the warm-up is clipped to end one step before the run does");
    }

    /** All planned optimizer steps. */
    public int totalSteps(int stepsPerEpoch) {
        long total = (long) epochs * stepsPerEpoch;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(epochs + " epochs of " + stepsPerEpoch
                    + " steps exceed DL4J's int iteration counter");
        }
        return (int) total;
    }

    /** The architecture to train: the model's, with this recipe's drop-path rate when it sets one. */
    public ViLConfig trainedModel(ViLConfig model) {
        return dropPath == null ? model : model.toBuilder().dropPathRate(dropPath).build();
    }

    /** The shard reader as training uses it: minibatches of {@code batch_per_worker}, this seed, this augmentation. */
    public ReaderConfig readerConfig() {
        return ReaderConfig.defaults()
                .withBatchSize(batchPerWorker)
                .withSeed(seed)
                .withAugment(AugmentationConfig.fromConfig(augment, SECTION + ".augment"));
    }

    /** Whether gradients are clipped at all. */
    public boolean clipsGradients() {
        return gradClip > 0;
    }
}
