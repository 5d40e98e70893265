package io.vilspark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vilspark.testing.IntegrationTest;
import io.vilspark.testing.InferenceFixtures;
import io.vilspark.testing.LocalSpark;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vil_features} and {@code vil_predict} through {@code spark.sql} over binaryFile rows of PNG
 * and JPEG files: registered by {@link VilFunctions#register}, and in a session built with
 * {@code spark.sql.extensions=io.vilspark.ml.VilSparkExtensions}.
 */
@IntegrationTest
class VilSqlFunctionsTest {
    @TempDir
    static Path dir;
    static TestImages images;

    @BeforeAll
    static void setUp() throws Exception {
        images = new TestImages(dir, 9);
    }

    @Test
    void registeredFunctionsGiveFeaturesAndClassesOfBinaryFileRows() {
        SparkSession spark = LocalSpark.session();
        VilFunctions.register(spark);
        spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(images.root.toString())
                .createOrReplaceTempView("vil_test_files");
        List<Row> rows = spark.sql("SELECT path, vil_features('" + images.model + "', content) AS f, vil_predict('"
                + images.model + "', content) AS p FROM vil_test_files").collectAsList();
        Map<String, Row> byPath = images.byKey(rows, r -> r.getString(0));
        assertEquals(10, byPath.size());
        checkExact(byPath);
        assertNotNull(byPath.get(TestImages.JPEG).getAs("f"));
        assertNull(byPath.get(TestImages.TRUNCATED).getAs("f"));
        assertNull(byPath.get(TestImages.TEXT).getAs("p"));

        // the form of the documentation: a folder read by binaryFile right in the query
        List<Row> direct = spark.sql("SELECT path, vil_predict('" + images.model + "', content).name AS name "
                + "FROM binaryFile.`" + images.root.resolve("exact") + "`").collectAsList();
        assertEquals(images.exact.size(), direct.size());
        for (Row r : direct) {
            assertNotNull(r.getString(1), r.getString(0));
        }
    }

    @Test
    void theExtensionsClassAddsTheFunctionsToASessionBuiltWithIt() {
        SparkSession shared = LocalSpark.session();
        // a new session takes spark.sql.extensions from its SparkContext's configuration (static, read when a
        // session is built): set there, as spark-submit --conf would, for the one session built here
        shared.sparkContext().conf().set("spark.sql.extensions", VilSparkExtensions.class.getName());
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        try {
            SparkSession withExtensions = SparkSession.builder().getOrCreate();
            assertNotSame(shared, withExtensions);
            List<Row> rows = withExtensions.sql("SELECT path, vil_features('" + images.model + "', content) AS f, "
                    + "vil_predict('" + images.model + "', content) AS p FROM binaryFile.`" + images.root.resolve("exact")
                    + "`").collectAsList();
            assertEquals(images.exact.size(), rows.size());
            checkExact(images.byKey(rows, r -> r.getString(0)));
        } finally {
            shared.sparkContext().conf().remove("spark.sql.extensions");
            SparkSession.setDefaultSession(shared);
            SparkSession.setActiveSession(shared);
        }
    }

    private static void checkExact(Map<String, Row> byPath) {
        for (int i = 0; i < images.exact.size(); i++) {
            String key = images.exact.get(i).key();
            Row r = byPath.get(key);
            List<Float> f = r.getList(r.fieldIndex("f"));
            float[] want = images.expected.featuresOf(i);
            assertEquals(want.length, f.size());
            for (int j = 0; j < want.length; j++) {
                assertEquals(want[j], f.get(j), 1e-5, key + " feature " + j);
            }
            Row p = r.getStruct(r.fieldIndex("p"));
            int best = ViLTransformerTest.argmax(images.expected.logitsOf(i));
            assertEquals(best, p.getInt(0), key);
            assertEquals("class " + (char) ('A' + best), p.getString(1), key);
        }
    }
}
