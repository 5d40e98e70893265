package io.vilspark.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * Marks a slow test class: Spark jobs, HDFS, standalone clusters, killed JVMs, fuzzing campaigns. Tagged
 * {@value #TAG}, so a build can run the fast unit tests alone ({@code mvn -B test -Punit}) or only these
 * ({@code mvn -B test -Pintegration}); {@code mvn -B test} runs both.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(IntegrationTest.TAG)
public @interface IntegrationTest {
    /** The JUnit tag of the integration tier. */
    String TAG = "integration";
}
