package io.vilspark.train.gpu;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Sets a variable in the JVM's view of its environment ({@link System#getenv}), not in the process's.
 * ND4J chooses its backend by priorities it reads only from environment variables
 * ({@code BACKEND_PRIORITY_CPU}, {@code BACKEND_PRIORITY_GPU}), once, when it loads; an executor that
 * decides at run time to fall back to the CPU has no other way to tell it. Needs
 * {@code --add-opens java.base/java.lang} and {@code java.base/java.util}, which Spark gives every executor.
 */
final class JavaEnvironment {
    private JavaEnvironment() {
    }

    /** @throws IllegalStateException when the JVM does not allow it (module not opened, other JDK layout) */
    @SuppressWarnings("unchecked")
    static void put(String name, String value) {
        try {
            Class<?> processEnvironment = Class.forName("java.lang.ProcessEnvironment");
            Field view = processEnvironment.getDeclaredField("theUnmodifiableEnvironment");
            view.setAccessible(true);
            Map<String, String> unmodifiable = (Map<String, String>) view.get(null);
            Field inner = unmodifiable.getClass().getDeclaredField("m");
            inner.setAccessible(true);
            ((Map<String, String>) inner.get(unmodifiable)).put(name, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot set " + name + " for ND4J in this JVM (" + e + "); start the "
                    + "executor with --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED", e);
        }
        if (!value.equals(System.getenv(name))) {
            throw new IllegalStateException("cannot set " + name + " for ND4J in this JVM");
        }
    }
}
