package io.vilspark.data.read;

import java.util.SplittableRandom;

/** The few distributions augmentation draws from, on a seeded {@link SplittableRandom}. */
final class RandomDraws {
    private RandomDraws() {
    }

    /** Uniform in [lo, hi); exactly lo when the range is empty. */
    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo == hi ? lo : lo + (hi - lo) * rng.nextDouble();
    }

    /** Standard normal (Box-Muller; SplittableRandom has no nextGaussian in Java 17). */
    static double gaussian(SplittableRandom rng) {
        double u1 = 1 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
