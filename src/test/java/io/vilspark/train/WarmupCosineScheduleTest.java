package io.vilspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import io.vilspark.testing.TinyVil;
import org.deeplearning4j.nn.conf.serde.JsonMappers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;

class WarmupCosineScheduleTest {

    /** The expected values of KappaSchedules' own test of LinearWarmupCosineDecaySchedule (2 warm-up steps of 11). */
    @Test
    void matchesTheReferenceSchedule() {
        double[] expected = {0.3333333333333333, 0.6666666666666666, 1.0, 0.9619398043158771, 0.8535535370398831,
                0.6913420248408287, 0.5000005000000001, 0.3086589751591714, 0.1464474629601169, 0.03806119568412292, 1e-06};
        WarmupCosineSchedule s = new WarmupCosineSchedule(1.0, 1e-6, 2, 11);
        for (int step = 0; step < expected.length; step++) {
            assertEquals(expected[step], s.valueAt(step, 0), 1e-12, "step " + step);
        }
    }

    @Test
    void warmsUpFromAlmostZeroPeaksAtTheEndOfWarmUpAndEndsAtTheEndValue() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(2e-3, 1e-6, 469, 5 * 469);
        assertEquals(2e-3 / 470, s.valueAt(0, 0), 1e-18);
        assertEquals(2e-3, s.valueAt(469, 1), 1e-18);
        assertEquals(1e-6, s.valueAt(5 * 469 - 1, 4), 1e-18);
        assertEquals(1e-6, s.valueAt(5 * 469 + 30, 5), 0.0, "steps past the plan keep the end value");
        for (int step = 1; step < 5 * 469; step++) {
            double before = s.valueAt(step - 1, 0);
            double now = s.valueAt(step, 0);
            assertTrue(step <= 469 ? now > before : now < before, "step " + step + ": " + before + " -> " + now);
        }
        // the epoch argument plays no part: the schedule is per step
        assertEquals(s.valueAt(1000, 0), s.valueAt(1000, 3));
    }

    @Test
    void withoutWarmUpTheFirstStepUsesThePeak() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(0.1, 0.0, 0, 3);
        assertEquals(0.1, s.valueAt(0, 0), 0.0);
        assertEquals(0.05, s.valueAt(1, 0), 1e-15);
        assertEquals(0.0, s.valueAt(2, 0), 1e-15);
    }

    @Test
    void recipeGivesPeakWarmUpAndLength() {
        TrainingRecipe demo = TinyVil.recipe();
        int steps = demo.stepsPerEpoch(60_000);
        WarmupCosineSchedule s = WarmupCosineSchedule.of(demo, steps);
        assertEquals(new WarmupCosineSchedule(1e-3, 1e-6, steps, 5 * steps), s);
    }

    @Test
    void badArgumentsAreNamed() {
        assertMessage(() -> new WarmupCosineSchedule(0, 0, 1, 10), "'peak'");
        assertMessage(() -> new WarmupCosineSchedule(1e-3, 1e-2, 1, 10), "'end'");
        assertMessage(() -> new WarmupCosineSchedule(1e-3, 0, -1, 10), "'warmupSteps'");
        assertMessage(() -> new WarmupCosineSchedule(1e-3, 0, 10, 10), "'totalSteps'");
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** DL4J writes schedules into model JSON with their class name, and reads them back through the constructor. */
    @Test
    void survivesDl4jJsonAndJavaSerialization() throws Exception {
        ISchedule s = new WarmupCosineSchedule(2e-3, 1e-6, 3130, 250_400);
        String json = JsonMappers.getMapper().writeValueAsString(s);
        assertTrue(json.contains("\"@class\" : \"io.vilspark.train.WarmupCosineSchedule\""), json);
        ISchedule back = JsonMappers.getMapper().readValue(json, ISchedule.class);
        assertEquals(s, back);
        assertNotSame(s, back);
        assertEquals(s.valueAt(4000, 1), back.valueAt(4000, 1), 0.0);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(s, in.readObject());
        }
        assertEquals(s, s.clone());
    }
}
