package io.vilspark.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilspark.fs.AtomicHadoopWrite;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code <root>/_manifest.json} of a prepared dataset (the shard schema): what the shards hold and how
 * they were made.
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written by this version
 * @param classes class names in index order (sorted folder names: the torchvision ImageFolder rule)
 * @param height stored image height in pixels (grid_h * patch)
 * @param width stored image width in pixels (grid_w * patch)
 * @param patch patch side in pixels
 * @param channels 1 or 3
 * @param mean per-channel mean of the training split, pixels scaled to [0, 1]
 * @param std per-channel standard deviation of the training split, pixels scaled to [0, 1]
 * @param rows rows per split ({@code train}, {@code val})
 * @param skipped skipped inputs per reason
 * @param skippedExamples up to N example keys per reason
 * @param source how the dataset was made: input path, detected format, options, creation time
 */
public record DatasetManifest(int formatVersion, List<String> classes, int height, int width, int patch,
                              int channels, List<Double> mean, List<Double> std, Map<String, Long> rows,
                              Map<String, Long> skipped, Map<String, List<String>> skippedExamples,
                              Map<String, Object> source) {
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "_manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public int gridH() {
        return height / patch;
    }

    public int gridW() {
        return width / patch;
    }

    public PatchLayout layout() {
        return new PatchLayout(channels, gridH(), gridW(), patch);
    }

    /** Writes {@code <root>/_manifest.json} atomically. */
    public void write(String root, Configuration hadoop) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(this);
        AtomicHadoopWrite.writeEditable(new Path(root, FILE_NAME).toString(), hadoop, out -> out.write(bytes));
    }

    /** Reads and checks {@code <root>/_manifest.json}; errors name the file and what is wrong. */
    public static DatasetManifest read(String root, Configuration hadoop) throws IOException {
        Path path = new Path(root, FILE_NAME);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            throw new BadDataException(path + ": missing dataset manifest (is '" + root + "' a prepared dataset?)");
        }
        DatasetManifest m;
        try (InputStream in = fs.open(path)) {
            m = JSON.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), DatasetManifest.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new BadDataException(path + ": unreadable manifest: " + e.getOriginalMessage());
        } catch (org.apache.hadoop.fs.ChecksumException e) {
            Path crc = new Path(path.getParent(), "." + path.getName() + ".crc");
            throw new BadDataException(path + ": does not match its checksum file " + crc + " (the manifest was "
                    + "edited or damaged after it was written); if the edit is intended, delete " + crc, e);
        }
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new BadDataException(path + ": manifest format version " + m.formatVersion() + ", this build reads "
                    + FORMAT_VERSION);
        }
        if (m.patch() < 1 || m.height() % m.patch() != 0 || m.width() % m.patch() != 0
                || (m.channels() != 1 && m.channels() != 3) || m.mean() == null || m.std() == null
                || m.mean().size() != m.channels() || m.std().size() != m.channels()) {
            throw new BadDataException(path + ": inconsistent manifest (patch " + m.patch() + ", size " + m.height() + "x"
                    + m.width() + ", channels " + m.channels() + ", mean " + m.mean() + ", std " + m.std() + ")");
        }
        return m;
    }
}
