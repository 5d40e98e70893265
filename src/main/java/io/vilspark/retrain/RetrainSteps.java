package io.vilspark.retrain;

/**
 * Named points of a retrain run, for tests that crash it there: {@link #hook()} throws
 * {@link InjectedCrash} at the step named by the system property {@value #PROPERTY}.
 */
@FunctionalInterface
public interface RetrainSteps {
    String PROPERTY = "vil.retrain.crash_at";
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
