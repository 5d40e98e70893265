package io.vilspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DropPathTest {

    @Test
    void maskKeepsExactlyTheReferenceCountScaledByBatchOverKept() {
        Nd4j.getRandom().setSeed(1);
        INDArray mask = DropPath.keepMask(10, 0.25, Nd4j.getRandom(), DataType.FLOAT);
        int kept = (int) Math.floor(10 * 0.75);                   // 7, as int(bs * keep_prob) in the reference
        assertEquals(kept, mask.gt(0).castTo(DataType.INT).sumNumber().intValue());
        assertEquals(10.0, mask.sumNumber().doubleValue(), 1e-5, "kept * (B / kept) = B");
        assertEquals(1, DropPath.keepMask(3, 0.99, Nd4j.getRandom(), DataType.FLOAT).gt(0)
                .castTo(DataType.INT).sumNumber().intValue(), "at least one sample is kept");
    }

    @Test
    void droppedSamplesSkipTheBlockInTrainingAndInferenceIsUnchanged() {
        ViLConfig withDrop = ViLConfig.builder().dim(8).depth(1).patchSize(2).inputShape(1, 4, 4).numClasses(3)
                .dropPathRate(0.5).build();
        ViLModel model = ViLModel.create(withDrop, 3);
        model.graph().params().addi(Nd4j.randn(DataType.FLOAT, model.graph().params().shape()).muli(0.2));
        ViLModel plain = ViLModel.create(withDrop.toBuilder().dropPathRate(0).build(), 3);
        plain.graph().params().assign(model.graph().params());

        INDArray images = Nd4j.randn(DataType.FLOAT, 6, 1, 4, 4);
        assertEquals(plain.logits(images), model.logits(images), "no drop path at inference");

        ViLNetwork network = (ViLNetwork) model.graph().getLayer(ViLGraph.NETWORK);
        Map<String, INDArray> train = network.outputs(images,
                List.of(ViLNetworkLayer.EMBED, ReferenceNames.blockActivationName(0), ViLNetworkLayer.LOGITS), true);
        INDArray in = train.get(ViLNetworkLayer.EMBED);
        INDArray out = train.get(ReferenceNames.blockActivationName(0));
        int skipped = 0;
        for (int i = 0; i < 6; i++) {
            INDArray a = in.get(NDArrayIndex.point(i));
            INDArray b = out.get(NDArrayIndex.point(i));
            if (a.equalsWithEps(b, 0)) {
                skipped++;
            }
        }
        assertEquals(3, skipped, "floor(6 * 0.5) = 3 samples kept, 3 pass the residual only");
        assertNotEquals(plain.logits(images), train.get(ViLNetworkLayer.LOGITS));
        assertEquals(withDrop, model.config(), "drop path survives the graph round trip");
    }
}
