package io.vilspark.train.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the output of {@code nvidia-smi --query-gpu=index,name,compute_cap --format=csv,noheader}:
 * one line per GPU, {@code 0, NVIDIA A100-SXM4-40GB, 8.0}.
 */
final class NvidiaSmiCsv {
    private NvidiaSmiCsv() {
    }

    /** @throws IllegalArgumentException naming the line that does not read as index, name, capability */
    static List<GpuDevice> parse(String csv) {
        List<GpuDevice> devices = new ArrayList<>();
        String[] lines = csv.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            devices.add(parseLine(line, i + 1));
        }
        return devices;
    }

    private static GpuDevice parseLine(String line, int number) {
        int first = line.indexOf(',');
        int last = line.lastIndexOf(',');
        if (first < 0 || first == last) {
            throw malformed(line, number, "expected 3 comma-separated fields: index, name, compute_cap");
        }
        // the name sits between the first and the last comma, so a comma inside it does no harm
        String index = line.substring(0, first).trim();
        String name = line.substring(first + 1, last).trim();
        String capability = line.substring(last + 1).trim();
        int parsedIndex;
        try {
            parsedIndex = Integer.parseInt(index);
        } catch (NumberFormatException e) {
            throw malformed(line, number, "index '" + index + "' is not a number");
        }
        try {
            return new GpuDevice(parsedIndex, name, ComputeCapability.parse(capability));
        } catch (IllegalArgumentException e) {
            throw malformed(line, number, e.getMessage());
        }
    }

    private static IllegalArgumentException malformed(String line, int number, String problem) {
        return new IllegalArgumentException("line " + number + " '" + line + "': " + problem);
    }
}
