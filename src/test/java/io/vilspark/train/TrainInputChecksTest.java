package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.FashionMnistShards;
import io.vilspark.testing.LocalSpark;
import io.vilspark.data.read.ShardDataException;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What vil train checks before it trains (every shard of both splits), and what it keeps when validation fails after
 * an epoch's training anyway: the trained epoch, as a checkpoint to resume from.
 */
@IntegrationTest
class TrainInputChecksTest {
    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path prepared;

    /** Minibatches trained, counted on the workers (threads of this JVM under local[2]). */
    static final AtomicInteger TRAINED = new AtomicInteger();
    /** A file the hook drops into a split after the first minibatch; null: none. */
    static volatile Path dropAfterFirstMinibatch;

    /** Counts minibatches and, when asked, damages the validation split while the epoch trains. */
    static final class Saboteur extends GraphTrainingHook {
        private static final long serialVersionUID = 1L;

        @Override
        protected void after(ComputationGraph graph, MultiDataSet minibatch) {
            TRAINED.incrementAndGet();
            Path target = dropAfterFirstMinibatch;
            if (target != null) {
                try {
                    Files.writeString(target, "a text file among the shards");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    @BeforeAll
    static void prepareData() throws Exception {
        FashionMnistShards.assumeInstalled();
        spark = LocalSpark.session();
        prepared = Path.of(FashionMnistShards.prepare(spark, dir.resolve("fm").toString(), 128));
    }

    private static Path copyOfData(String name) throws IOException {
        Path copy = dir.resolve(name);
        FileUtils.copyDirectory(prepared.toFile(), copy.toFile());
        return copy;
    }

    private static void train(Path data, Path out, boolean resume) throws IOException {
        List<String> recipe = new java.util.ArrayList<>(FashionMnistShards.SMALL_RECIPE);
        recipe.add("train.epochs=1");
        new TrainJob(spark, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                List.of(new Saboteur())).run(new TrainJob.Settings(data.toString(), out.toString(), "demo", recipe,
                resume));
    }

    @Test
    void aDamagedValidationShardStopsTheRunBeforeAnyTraining() throws Exception {
        Path data = copyOfData("damaged-val");
        Files.writeString(data.resolve("val").resolve("notes.txt"), "a text file among the shards");
        TRAINED.set(0);
        ShardDataException e = assertThrows(ShardDataException.class, () -> train(data, dir.resolve("out1"), false));
        assertTrue(e.getMessage().contains("/val/notes.txt: not a readable Parquet shard ("), e.getMessage());
        assertEquals(0, TRAINED.get(), "not one minibatch trained");
    }

    @Test
    void aValidationFailureAfterTrainingKeepsTheTrainedEpoch() throws Exception {
        Path data = copyOfData("val-damaged-during-training");
        Path out = dir.resolve("out2");
        dropAfterFirstMinibatch = data.resolve("val").resolve("notes.txt");
        try {
            assertThrows(ShardDataException.class, () -> train(data, out, false));
        } finally {
            dropAfterFirstMinibatch = null;
        }
        assertTrue(Files.exists(out.resolve("checkpoints").resolve("epoch-0001.zip")),
                "the trained epoch is kept as a checkpoint");
        Files.delete(data.resolve("val").resolve("notes.txt"));
        TRAINED.set(0);
        train(data, out, true);
        assertEquals(0, TRAINED.get(), "the resumed run does not train the kept epoch again");
        assertTrue(Files.exists(out.resolve("model.zip")), "the resumed run finishes from the kept epoch");
    }
}
