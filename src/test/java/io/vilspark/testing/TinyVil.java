package io.vilspark.testing;

import java.util.List;

import io.vilspark.model.ViLConfig;
import io.vilspark.train.RecipeFile;
import io.vilspark.train.TrainingRecipe;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** A ViL small enough for unit tests (16 patches of 2x2, dim 8, one block pair) and data for it. */
public final class TinyVil {
    public static final ViLConfig MODEL = ViLConfig.builder().dim(8).depth(1).patchSize(2).inputShape(1, 4, 4).numClasses(3).build();

    private TinyVil() {
    }

    /** Random images with one-hot labels. */
    public static DataSet batch(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray images = Nd4j.randn(DataType.FLOAT, n, 1, 4, 4);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, i % 3, 1);
        }
        return new DataSet(images, labels);
    }

    /** The demo recipe with some keys changed. */
    public static TrainingRecipe recipe(String... overrides) {
        return RecipeFile.load("demo", List.of(overrides)).recipe();
    }
}
