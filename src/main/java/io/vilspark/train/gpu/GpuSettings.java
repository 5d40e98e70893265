package io.vilspark.train.gpu;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * How an executor treats its GPUs. Spark properties rather than recipe keys: an executor needs them
 * before ND4J loads, earlier than any task closure arrives, and Spark hands its configuration to every
 * executor ({@code --conf spark.vil.gpu.fallback=cpu}).
 *
 * @param fallbackToCpu train on the CPU when the GPU cannot be used ({@code cpu}), or refuse ({@code refuse}, default)
 * @param nvidiaSmi     the nvidia-smi program (default: found on the PATH)
 */
public record GpuSettings(boolean fallbackToCpu, String nvidiaSmi) {
    public static final String FALLBACK = "spark.vil.gpu.fallback";
    public static final String NVIDIA_SMI = "spark.vil.gpu.nvidiaSmi";
    /** How the user asks for the fallback, as messages quote it. */
    public static final String FALLBACK_SETTING = FALLBACK + "=cpu";
    public static final GpuSettings DEFAULTS = new GpuSettings(false, "nvidia-smi");

    /** @param conf a Spark property by name, empty when unset */
    public static GpuSettings from(Function<String, Optional<String>> conf) {
        String fallback = conf.apply(FALLBACK).orElse("refuse").trim().toLowerCase(Locale.ROOT);
        if (!fallback.equals("refuse") && !fallback.equals("cpu")) {
            throw new IllegalArgumentException(FALLBACK + ": '" + fallback + "' is not refuse or cpu");
        }
        String smi = conf.apply(NVIDIA_SMI).map(String::trim).filter(s -> !s.isEmpty()).orElse(DEFAULTS.nvidiaSmi);
        return new GpuSettings(fallback.equals("cpu"), smi);
    }

    public static GpuSettings of(SparkConf conf) {
        return from(key -> conf.contains(key) ? Optional.of(conf.get(key)) : Optional.empty());
    }

    /** The settings of the Spark application this JVM runs for; the defaults outside Spark. */
    public static GpuSettings ofThisJvm() {
        SparkEnv env = SparkEnv.get();
        return env == null ? DEFAULTS : of(env.conf());
    }

    public CudaCapabilityCheck check() {
        return new CudaCapabilityCheck(fallbackToCpu, FALLBACK_SETTING);
    }

    /** nvidia-smi's GPU list, with this program. */
    public NvidiaSmi query() {
        List<String> command = new java.util.ArrayList<>(NvidiaSmi.QUERY);
        command.set(0, nvidiaSmi);
        return new NvidiaSmi(command, Duration.ofSeconds(30));
    }
}
