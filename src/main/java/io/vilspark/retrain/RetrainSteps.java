package io.vilspark.retrain;

/**
 * Named points of a retrain run, for tests that crash it there: {@link #hook()} throws
 * {@link InjectedCrash} at the step named by the system property {@value #PROPERTY}, or, with
 * {@value #MODE_PROPERTY}{@code =halt}, halts the JVM there (exit {@value #HALT_EXIT}, no clean-up, as kill -9).
 */
@FunctionalInterface
public interface RetrainSteps {
    String PROPERTY = "vil.retrain.crash_at";
    /** {@code throw} (default) or {@code halt} */
    String MODE_PROPERTY = "vil.retrain.crash_mode";
    int HALT_EXIT = 86;
    /** The challenger's model is trained and written (before any evaluation). */
    String AFTER_TRAINING = "after-training";
    /** The challenger is evaluated on the holdout, the champion not yet. */
    String DURING_EVALUATION = "during-evaluation";
    /** The new version is registered, the champion pointer not yet moved. */
    String DURING_PROMOTION = "during-promotion";

    void reached(String step);

    /** Crashes where the system property says, else does nothing. */
    static RetrainSteps hook() {
        return step -> {
            if (step.equals(System.getProperty(PROPERTY))) {
                if ("halt".equals(System.getProperty(MODE_PROPERTY))) {
                    Runtime.getRuntime().halt(HALT_EXIT);
                }
                throw new InjectedCrash(step);
            }
        };
    }

    /** A crash injected at a named step. */
    final class InjectedCrash extends RuntimeException {
        public InjectedCrash(String step) {
            super("injected crash at step '" + step + "'");
        }
    }
}
