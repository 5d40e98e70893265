package io.vilspark.train;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import org.apache.spark.SparkEnv;
import org.apache.spark.metrics.source.Source;

/**
 * Training progress in Spark's metrics system, under the driver's source {@code vil.train}, so that whatever
 * sink a cluster configures ({@code metrics.properties} or {@code spark.metrics.conf.*}: JMX, the Prometheus
 * servlet, CSV, Graphite) reports it beside Spark's own metrics: {@code imagesPerSecond}, {@code loss} and
 * {@code roundSeconds} of the last averaging round, and the run's {@code rounds} and {@code images} so far.
 * Registered for the duration of a training run.
 */
final class TrainingMetricsSource implements Source, AutoCloseable {
    static final String NAME = "vil.train";

    private final MetricRegistry registry = new MetricRegistry();
    private volatile double imagesPerSecond = Double.NaN;
    private volatile double loss = Double.NaN;
    private volatile double roundSeconds = Double.NaN;
    private volatile long rounds;
    private volatile long images;

    private TrainingMetricsSource() {
        registry.register("imagesPerSecond", (Gauge<Double>) () -> imagesPerSecond);
        registry.register("loss", (Gauge<Double>) () -> loss);
        registry.register("roundSeconds", (Gauge<Double>) () -> roundSeconds);
        registry.register("rounds", (Gauge<Long>) () -> rounds);
        registry.register("images", (Gauge<Long>) () -> images);
    }

    /** A source registered with this driver's metrics system (or a detached one when Spark has none). */
    static TrainingMetricsSource register() {
        TrainingMetricsSource source = new TrainingMetricsSource();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            env.metricsSystem().registerSource(source);
        }
        return source;
    }

    /** Records a finished round of {@code images} images whose workers' mean loss was {@code loss}. */
    void roundDone(long roundImages, double meanLoss, double seconds) {
        imagesPerSecond = roundImages / Math.max(seconds, 1e-9);
        loss = meanLoss;
        roundSeconds = seconds;
        rounds++;
        images += roundImages;
    }

    @Override
    public String sourceName() {
        return NAME;
    }

    @Override
    public MetricRegistry metricRegistry() {
        return registry;
    }

    @Override
    public void close() {
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            // the sinks report one last time, so that the run's final values are not lost between polls
            env.metricsSystem().report();
            env.metricsSystem().removeSource(this);
        }
    }
}
