package io.vilspark.data.read;

import java.util.SplittableRandom;

/** Beta(a, b) draws from two Gamma draws (Marsaglia and Tsang's method), for the Mixup/CutMix weight. */
final class BetaDistribution {
    private BetaDistribution() {
    }

    static double sample(double a, double b, SplittableRandom rng) {
        double x = gamma(a, rng);
        double y = gamma(b, rng);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    static double gamma(double shape, SplittableRandom rng) {
        if (shape < 1) {
            // Gamma(k) = Gamma(k + 1) * U^(1/k)
            double u = rng.nextDouble();
            return gamma(shape + 1, rng) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = RandomDraws.gaussian(rng);
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
