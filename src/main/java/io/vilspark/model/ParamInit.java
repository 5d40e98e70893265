package io.vilspark.model;

import java.util.SplittableRandom;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Random parameter initialisation drawn in Java from the network's seed and the layer's index.
 * ND4J 1.0.0-M2.1's generator does not reproduce its draws for the same seed (large arrays are
 * filled on several OpenMP threads, and even scalar draws after them drift), so a network
 * initialised through it differed from run to run; this one is identical every time.
 */
final class ParamInit {
    private final SplittableRandom random;

    private ParamInit(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A generator for one layer of a network initialised with {@code networkSeed}. */
    static ParamInit of(long networkSeed, int layerIndex) {
        return new ParamInit(new SplittableRandom(networkSeed).split().nextLong() ^ (0x9E3779B97F4A7C15L * (layerIndex + 1)));
    }

    void normal(INDArray p, double std) {
        double[] v = new double[(int) p.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian() * std;
        }
        fill(p, v);
    }

    void uniform(INDArray p, double bound) {
        double[] v = new double[(int) p.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble(-bound, bound);
        }
        fill(p, v);
    }

    private static void fill(INDArray p, double[] values) {
        p.assign(Nd4j.createFromArray(values).castTo(p.dataType()).reshape(p.shape()));
    }
}
