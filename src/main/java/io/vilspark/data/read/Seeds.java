package io.vilspark.data.read;

/**
 * Seeds of the reader's random streams, derived from the run's seed so that every image's
 * augmentation depends only on (seed, epoch, partition, position): a recomputed Spark partition
 * (DL4J counts and splits the RDD, so partitions are computed more than once) yields the same
 * minibatches, and switching one augmentation off does not shift the draws of another image.
 */
final class Seeds {
    static final long SHUFFLE = 1;
    static final long IMAGE = 2;
    static final long BATCH = 3;
    static final long ROW_ORDER = 4;

    private Seeds() {
    }

    /** The seed of one partition's streams in one epoch. */
    static long partition(long seed, int epoch, int partition) {
        return derive(derive(seed, epoch), partition);
    }

    /** A seed for {@code stream} number {@code index} below {@code parent}. */
    static long stream(long parent, long stream, long index) {
        return derive(derive(parent, stream), index);
    }

    /** One step of SplitMix64's finaliser over (parent, value): well mixed even for adjacent inputs. */
    static long derive(long parent, long value) {
        long z = parent * 0x9E3779B97F4A7C15L + value + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
