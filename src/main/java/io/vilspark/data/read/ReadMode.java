package io.vilspark.data.read;

/** Which of the reader's two image paths a read takes. */
public enum ReadMode {
    /** Random augmentation (as configured), batch mixing and label smoothing; unlabelled rows are an error. */
    TRAIN,
    /** Deterministic resize and centre crop (identity when the stored size is the model's); plain one-hot labels. */
    EVAL
}
