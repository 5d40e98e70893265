package io.vilspark.data.prepare;

import java.io.Serializable;
import java.util.Map;

/**
 * One unit of listing work, run on an executor: the driver only looks at the top of the tree
 * (splits and class folders), the files inside are found on the cluster.
 */
sealed interface ListingTask extends Serializable {

    /**
     * A class folder, listed recursively.
     *
     * @param split the split of every file in it, or null when {@code valFraction} of it is held out as val
     */
    record ClassFolder(String dir, int label, Split split, double valFraction, long seed) implements ListingTask {
    }

    /** A folder of images without class folders, labelled by file name (ImageNet's flat val/). */
    record FlatFolder(String dir, Split split, Map<String, Integer> labelsByName) implements ListingTask {
    }

    /** An IDX images file and its labels file (null: unlabelled). */
    record IdxPair(String images, String labels, Split split) implements ListingTask {
    }
}
