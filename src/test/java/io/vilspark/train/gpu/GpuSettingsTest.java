package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class GpuSettingsTest {
    @Test
    void defaultsRefuseAndUseNvidiaSmiFromThePath() {
        GpuSettings s = GpuSettings.of(new SparkConf(false));
        assertFalse(s.fallbackToCpu());
        assertEquals("nvidia-smi", s.nvidiaSmi());
        assertEquals(NvidiaSmi.QUERY, s.query().command());
    }

    @Test
    void readsTheSparkProperties() {
        GpuSettings s = GpuSettings.of(new SparkConf(false).set("spark.vil.gpu.fallback", " CPU ")
                .set("spark.vil.gpu.nvidiaSmi", "/usr/local/nvidia/bin/nvidia-smi"));
        assertTrue(s.fallbackToCpu());
        assertEquals("/usr/local/nvidia/bin/nvidia-smi", s.query().command().get(0));
        assertEquals(NvidiaSmi.QUERY.subList(1, NvidiaSmi.QUERY.size()), s.query().command().subList(1, NvidiaSmi.QUERY.size()));
    }

    @Test
    void aBadFallbackIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuSettings.of(new SparkConf(false).set("spark.vil.gpu.fallback", "gpu")));
        assertEquals("spark.vil.gpu.fallback: 'gpu' is not refuse or cpu", e.getMessage());
    }
}
