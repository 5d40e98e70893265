package io.vilspark.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code metrics.jsonl}: one JSON line per finished epoch. Rewritten whole (atomically) after each
 * epoch, since object stores cannot append; on resume, lines past the checkpoint are dropped.
 */
public final class MetricsLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String file;
    private final Configuration hadoop;
    private final List<EpochMetrics> epochs = new ArrayList<>();

    public MetricsLog(String file, Configuration hadoop) {
        this.file = file;
        this.hadoop = hadoop;
    }

    /** Loads the epochs up to {@code lastEpoch} written by an earlier run (resume). */
    public void loadUpTo(int lastEpoch) throws IOException {
        epochs.clear();
        Path path = new Path(file);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            return;
        }
        try (InputStream in = fs.open(path)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    EpochMetrics m = JSON.readValue(line, EpochMetrics.class);
                    if (m.epoch() <= lastEpoch) {
                        epochs.add(m);
                    }
                }
            }
        }
    }

    public void append(EpochMetrics m) throws IOException {
        epochs.add(m);
        StringBuilder sb = new StringBuilder();
        for (EpochMetrics e : epochs) {
            sb.append(JSON.writeValueAsString(e)).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicHadoopWrite.writeEditable(file, hadoop, out -> out.write(bytes));
    }

    public List<EpochMetrics> epochs() {
        return List.copyOf(epochs);
    }
}
