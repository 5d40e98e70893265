package io.vilspark.data.read;

import java.io.Serializable;
import java.util.SplittableRandom;

import io.vilspark.image.ChwImage;

/**
 * Stored image to model-sized image. {@link #exact} tells the reader it can skip the float path
 * and normalise the stored bytes directly (the image passes unchanged).
 */
interface ImageTransform extends Serializable {

    ChwImage apply(ChwImage image, SplittableRandom rng);

    /** True when {@link #apply} returns every image unchanged, so no float copy is needed. */
    boolean exact();
}
