package io.vilspark.train.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Runs with Spark's module options, as executors do (surefire's argLine). */
class JavaEnvironmentTest {
    @Test
    void systemGetenvSeesTheValue() {
        JavaEnvironment.put("VIL_JAVA_ENVIRONMENT_TEST", "42");
        assertEquals("42", System.getenv("VIL_JAVA_ENVIRONMENT_TEST"));
        assertEquals("42", System.getenv().get("VIL_JAVA_ENVIRONMENT_TEST"));
    }
}
