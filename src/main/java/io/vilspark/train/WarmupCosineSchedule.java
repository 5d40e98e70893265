package io.vilspark.train;

import java.util.Objects;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Learning rate per optimizer step: a linear warm-up from almost zero to the peak, then a half cosine
 * down to an end value at the last planned step. The reference trains with exactly this schedule
 * (ksuit's {@code linear_warmup_cosine_decay_schedule}, i.e. KappaSchedules'
 * {@code LinearWarmupCosineDecaySchedule} with start value 0, stepped once per update).
 *
 * <p>With {@code s} = DL4J's iteration count (0-based: the updates done before this one, so the first
 * update uses {@code s = 0}), {@code W} = warm-up steps, {@code T} = total steps:
 * <pre>
 *   s &lt; W          lr = peak * (s + 1) / (W + 1)
 *   W &lt;= s &lt; T     lr = end + (peak - end) * (1 + cos(pi * (s - W) / max(1, T - W - 1))) / 2
 *   s &gt;= T         lr = end
 * </pre>
 * So the first update never uses 0 (ND4J's Adam would silently replace a zero rate by epsilon), the
 * peak is used at step {@code W}, and step {@code T - 1} uses exactly {@code end}. Steps past the plan
 * keep {@code end}: under Spark parameter averaging DL4J advances the counter by the averaging
 * frequency per round, even when the last round of an epoch is short.
 *
 * <p>timm's {@code CosineLRScheduler} (per update, {@code warmup_prefix=True}) differs at the ends by
 * one step: its warm-up is {@code init + s * (peak - init) / W} (starting at {@code warmup_lr_init}),
 * and its cosine spans {@code T - W} steps, so {@code end} is reached only after the last update.
 *
 * <p>DL4J serialises updaters with their schedules (model JSON; configurations shipped to Spark
 * executors), so like ND4J's own schedules this class is Jackson-serialisable through its
 * {@code @JsonProperty} constructor and getters, and must not be renamed or moved. It has value
 * equality: DL4J groups parameters into updater blocks by {@code IUpdater.equals}, which compares
 * schedules; equal schedules must compare equal after a JSON round trip or the updater-state layout
 * would change.
 */
public final class WarmupCosineSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    private final double peak;
    private final double end;
    private final int warmupSteps;
    private final int totalSteps;

    /**
     * @param peak        value reached at the end of warm-up (&gt; 0)
     * @param end         value at the last step (0 &lt;= end &lt;= peak)
     * @param warmupSteps linear warm-up steps (&gt;= 0)
     * @param totalSteps  planned optimizer steps of the whole run (&gt; warmupSteps)
     */
    public WarmupCosineSchedule(@JsonProperty("peak") double peak, @JsonProperty("end") double end,
                                @JsonProperty("warmupSteps") int warmupSteps, @JsonProperty("totalSteps") int totalSteps) {
        require(peak > 0 && Double.isFinite(peak), "peak", peak + " (must be > 0)");
        require(end >= 0 && end <= peak, "end", end + " (must be in [0, peak = " + peak + "])");
        require(warmupSteps >= 0, "warmupSteps", warmupSteps + " (must be >= 0)");
        require(totalSteps > warmupSteps, "totalSteps",
                totalSteps + " (must exceed warmupSteps = " + warmupSteps + ": the cosine needs at least one step)");
        this.peak = peak;
        this.end = end;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** The schedule of a recipe for an epoch of {@code stepsPerEpoch} optimizer steps. */
    public static WarmupCosineSchedule of(TrainingRecipe recipe, int stepsPerEpoch) {
        return new WarmupCosineSchedule(recipe.peakLr(), recipe.endLr(), recipe.warmupSteps(stepsPerEpoch),
                recipe.totalSteps(stepsPerEpoch));
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid warm-up/cosine schedule '" + field + "': " + message);
        }
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        if (iteration < warmupSteps) {
            return peak * (iteration + 1) / (warmupSteps + 1);
        }
        if (iteration >= totalSteps) {
            return end;
        }
        double progress = (double) (iteration - warmupSteps) / Math.max(1, totalSteps - warmupSteps - 1);
        return end + (peak - end) * (1 + Math.cos(Math.PI * progress)) / 2;
    }

    @Override
    public ISchedule clone() {
        return new WarmupCosineSchedule(peak, end, warmupSteps, totalSteps);
    }

    public double getPeak() {
        return peak;
    }

    public double getEnd() {
        return end;
    }

    public int getWarmupSteps() {
        return warmupSteps;
    }

    public int getTotalSteps() {
        return totalSteps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WarmupCosineSchedule s && Double.compare(peak, s.peak) == 0 && Double.compare(end, s.end) == 0
                && warmupSteps == s.warmupSteps && totalSteps == s.totalSteps;
    }

    @Override
    public int hashCode() {
        return Objects.hash(peak, end, warmupSteps, totalSteps);
    }

    @Override
    public String toString() {
        return "WarmupCosineSchedule(peak=" + peak + ", end=" + end + ", warmupSteps=" + warmupSteps
                + ", totalSteps=" + totalSteps + ")";
    }
}
