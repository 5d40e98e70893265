package io.vilspark.bench;

/** What one timed iteration of {@code vil bench} does. */
public enum BenchMode {
    /** Forward, backward and an Adam step on one minibatch. */
    train("forward + backward + Adam step"),
    /** Forward pass to logits, no gradients. */
    infer("forward to logits");

    public final String description;

    BenchMode(String description) {
        this.description = description;
    }
}
