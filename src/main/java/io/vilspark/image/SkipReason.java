package io.vilspark.image;

import java.util.Locale;

/** Why an input file or record was left out; the manifest counts them under these names. */
public enum SkipReason {
    /** the file system refused to read it (permissions, checksum error, vanished, missing block) */
    UNREADABLE,
    /** zero bytes */
    EMPTY,
    /** not JPEG, PNG, BMP or GIF by its first bytes, or larger than the file-size limit */
    NOT_AN_IMAGE,
    /** cut short: the format's end marker or part of the data is missing */
    TRUNCATED,
    /** a known format whose data the decoder rejects */
    CORRUPT,
    /** width or height smaller than one patch */
    TOO_SMALL,
    /** more pixels than the limit, by the header, so it is never decoded (decompression bombs) */
    TOO_LARGE,
    /** a validation image the ground-truth file does not name */
    NO_LABEL;

    /** The manifest's name: {@code not_an_image}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
