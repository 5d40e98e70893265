package io.vilspark.train.gpu;

import java.io.Serializable;

/** An executor's refusal to run on its GPU, sent to the driver. */
record GpuRefusal(String executorId, String host, String message) implements Serializable {
    @Override
    public String toString() {
        return "executor " + executorId + " on " + host + ": " + message;
    }
}
