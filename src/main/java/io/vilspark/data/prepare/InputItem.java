package io.vilspark.data.prepare;

import io.vilspark.image.SkipReason;

import java.io.Serializable;

/**
 * One input found by the listing: an image file, or one record of an IDX file. Small, so the
 * list of them is what Spark shuffles and sorts, never decoded pixels.
 *
 * @param key the row's key: path relative to the input root, or {@code split/index} for IDX
 * @param sortKey orders the rows of a split (the key itself, or the zero-padded IDX index)
 * @param path file to read (qualified Hadoop path)
 * @param size file size in bytes (image files)
 * @param idxIndex record index in an IDX file, -1 for image files
 * @param preSkip reason found already while listing (e.g. no ground-truth label), or null
 */
record InputItem(Split split, String key, String sortKey, int label, String path, long size, long idxIndex,
                 SkipReason preSkip) implements Serializable {

    static InputItem file(Split split, String key, int label, String path, long size) {
        return new InputItem(split, key, key, label, path, size, -1, null);
    }

    static InputItem idxRecord(Split split, long index, int label, String imagesPath) {
        return new InputItem(split, split.dir() + "/" + index, String.format("%012d", index), label, imagesPath, 0,
                index, null);
    }

    InputItem skipped(SkipReason reason) {
        return new InputItem(split, key, sortKey, label, path, size, idxIndex, reason);
    }

    boolean isIdx() {
        return idxIndex >= 0;
    }
}
