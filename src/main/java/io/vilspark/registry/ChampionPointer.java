package io.vilspark.registry;

/**
 * One entry of the champion pointer log ({@code champion/pointer-NNNNNNNNNN.json}); the entry with the
 * highest number is the current champion.
 *
 * @param seq      position in the log, from 1
 * @param version  the champion from this entry on
 * @param previous what a rollback from this entry returns to (null: nothing earlier)
 * @param action   {@code promote} (retrain or {@code vil registry promote}) or {@code rollback}
 * @param reason   why, in words (the numbers of a retrain decision)
 * @param runId    the retrain run that made the change, or null for a manual one
 * @param at       ISO-8601 instant
 */
public record ChampionPointer(long seq, String version, String previous, String action, String reason, String runId,
                              String at) {
}
