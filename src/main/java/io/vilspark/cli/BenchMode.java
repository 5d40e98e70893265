package io.vilspark.cli;

/** What one timed iteration of {@code vil bench} does. */
enum BenchMode {
    /** Forward, backward and an Adam step on one minibatch. */
    train("forward + backward + Adam step"),
    /** Forward pass to logits, no gradients. */
    infer("forward to logits");

    final String description;

    BenchMode(String description) {
        this.description = description;
    }
}
