package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CudaOrdinalsTest {
    private static final Map<String, String> PCI = Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID");

    @Test
    void aSingleGpuIsDeviceZeroWhateverTheOrder() {
        assertEquals(0, CudaOrdinals.of(0, 1, Map.of()), "a container that sees one GPU");
    }

    @Test
    void inPciOrderTheIndexIsTheOrdinal() {
        assertEquals(3, CudaOrdinals.of(3, 8, PCI));
    }

    @Test
    void visibleDevicesRenumber() {
        Map<String, String> env = Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID", "CUDA_VISIBLE_DEVICES", "2,3");
        assertEquals(0, CudaOrdinals.of(2, 4, env));
        assertEquals(1, CudaOrdinals.of(3, 4, env));
        // one worker per GPU: the worker's CUDA_VISIBLE_DEVICES=1 and its discovery script reports GPU 1
        assertEquals(0, CudaOrdinals.of(1, 2, Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID", "CUDA_VISIBLE_DEVICES", " 1 ")));
    }

    @Test
    void aHiddenGpuIsAnError() {
        Map<String, String> env = Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID", "CUDA_VISIBLE_DEVICES", "0,1");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaOrdinals.of(3, 4, env));
        assertEquals("Spark assigned GPU 3, but CUDA_VISIBLE_DEVICES=0,1 hides it from CUDA (the discovery script must "
                + "report only visible GPUs; jobs/discover-gpus does)", e.getMessage());
        // CUDA stops reading at the first entry it cannot parse
        Map<String, String> cut = Map.of("CUDA_DEVICE_ORDER", "PCI_BUS_ID", "CUDA_VISIBLE_DEVICES", "0,x,1");
        assertThrows(IllegalStateException.class, () -> CudaOrdinals.of(1, 4, cut));
        Map<String, String> none = Map.of("CUDA_VISIBLE_DEVICES", "");
        assertThrows(IllegalStateException.class, () -> CudaOrdinals.of(0, 1, none));
    }

    @Test
    void severalGpusWithoutPciOrderCannotBeMatched() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaOrdinals.of(1, 2, Map.of()));
        assertTrue(e.getMessage().startsWith("2 GPUs on this host and CUDA_DEVICE_ORDER is not PCI_BUS_ID"), e.getMessage());
        assertTrue(e.getMessage().contains("spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID"), e.getMessage());
    }

    @Test
    void uuidsCannotBeMatchedToIndices() {
        Map<String, String> env = Map.of("CUDA_VISIBLE_DEVICES", "GPU-8f6a2c1e-0000-0000-0000-000000000000");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaOrdinals.of(0, 1, env));
        assertTrue(e.getMessage().contains("names GPUs by UUID"), e.getMessage());
    }
}
