package io.vilspark.registry;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilspark.data.ReadFailures;
import io.vilspark.fs.AtomicHadoopWrite;
import io.vilspark.model.ViLModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The project's model file: DL4J's model zip (network configuration, parameters, optionally
 * the updater state) plus one entry {@value #METADATA_ENTRY} with {@link ModelMetadata}.
 * Read and written on any Hadoop path; writes are atomic.
 */
public final class ModelFile {
    public static final String METADATA_ENTRY = "vil-metadata.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A model and what its file says about it. */
    public record Loaded(ViLModel model, ModelMetadata metadata) {
    }

    private ModelFile() {
    }

    public static void write(String target, ViLModel model, ModelMetadata metadata, boolean withUpdater,
                             Configuration hadoop) throws IOException {
        File dl4jZip = Files.createTempFile("vil-model", ".zip").toFile();
        try {
            ModelSerializer.writeModel(model.graph(), dl4jZip, withUpdater);
            AtomicHadoopWrite.write(target, hadoop, out -> copyWithMetadata(dl4jZip, metadata, out));
        } finally {
            Files.deleteIfExists(dl4jZip.toPath());
        }
    }

    private static void copyWithMetadata(File dl4jZip, ModelMetadata metadata, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        try (ZipFile source = new ZipFile(dl4jZip)) {
            Enumeration<? extends ZipEntry> entries = source.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                zip.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream in = source.getInputStream(e)) {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
        }
        zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
        zip.write(JSON.writeValueAsBytes(metadata));
        zip.closeEntry();
        zip.finish();
    }

    public static Loaded read(String source, boolean withUpdater, Configuration hadoop) throws IOException {
        Path path = new Path(source);
        FileSystem fs = path.getFileSystem(hadoop);
        if (!fs.exists(path)) {
            throw new ModelFileException(source + ": no such model file");
        }
        File local = Files.createTempFile("vil-model", ".zip").toFile();
        try {
            try (InputStream in = fs.open(path); OutputStream out = Files.newOutputStream(local.toPath())) {
                in.transferTo(out);
            }
            ModelMetadata metadata;
            try (ZipFile zip = new ZipFile(local)) {
                ZipEntry entry = zip.getEntry(METADATA_ENTRY);
                if (entry == null) {
                    throw new ModelFileException(source + ": not a ViL-Spark model file (no " + METADATA_ENTRY + ")");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    metadata = JSON.readValue(in, ModelMetadata.class);
                } catch (com.fasterxml.jackson.core.JacksonException e) {
                    throw new ModelFileException(source + ": unreadable " + METADATA_ENTRY + " ("
                            + e.getOriginalMessage() + ")");
                }
            } catch (ModelFileException e) {
                throw e;
            } catch (IOException e) {
                // ZipException, or an EOFException from a cut compressed entry: the file's fault (it is a local copy)
                throw new ModelFileException(source + ": not a readable zip (" + ReadFailures.reason(e) + ")");
            }
            if (!ModelMetadata.FORMAT.equals(metadata.format()) || metadata.formatVersion() > ModelMetadata.VERSION) {
                throw new ModelFileException(source + ": unsupported model format " + metadata.format() + " v"
                        + metadata.formatVersion());
            }
            ComputationGraph graph;
            try {
                graph = ModelSerializer.restoreComputationGraph(local, withUpdater);
            } catch (IOException | RuntimeException e) {
                // DL4J's reader fails with whatever its zip, JSON or array code throws
                throw new ModelFileException(source + ": corrupt model file (" + ReadFailures.reason(e) + ")");
            }
            try {
                return new Loaded(ViLModel.of(graph), metadata);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // DL4J loaded a network, but its layer settings (from the file) are not a valid ViL
                throw new ModelFileException(source + ": the network in the file is not a valid ViL model ("
                        + e.getMessage() + ")");
            }
        } finally {
            Files.deleteIfExists(local.toPath());
        }
    }
}
