package io.vilspark.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one reader over many mutated inputs, each in a worker thread with a time limit and an
 * allocation budget. An input passes when the reader succeeds or throws one of the allowed (the
 * project's own) exception types with a message; anything else (another exception type, an Error,
 * a hang, a header that made the reader allocate far more than the input holds) fails the campaign.
 * The failing input is saved under {@code target/fuzz-failures/} with its seed and iteration.
 *
 * <p>Bounded by {@code -Dvil.fuzz.iterations=N} (default: the test's own number) or, for long
 * campaigns, {@code -Dvil.fuzz.seconds=S}; {@code -Dvil.fuzz.seed=X} changes the inputs drawn;
 * {@code -Dvil.fuzz.replay=FILE} runs one saved input instead; {@code -Dvil.fuzz.verbose=true} prints every
 * refusal (to see what a campaign's inputs reach).
 */
public final class FuzzCampaign {

    /** Reads one input; the input is also on disk at {@code file} for readers that take a path. */
    @FunctionalInterface
    public interface Target {
        void read(byte[] input, Path file) throws Exception;
    }

    /** Draws the next input from the seeds; format-aware generators replace the default byte mutations. */
    @FunctionalInterface
    public interface Generator {
        byte[] next(List<byte[]> seeds, Random random) throws Exception;
    }

    /** What the campaign saw. */
    public record Result(int inputs, int accepted, int refused, long millis, boolean replay) {

        /** Both outcomes occurred, so the mutations were neither all harmless nor all rejected at the door. */
        public void assertBothOutcomes() {
            if (!replay && (accepted == 0 || refused == 0)) {
                throw new AssertionError("expected accepted and refused inputs, got " + this);
            }
        }

        /** At least this share of the inputs was refused: the reader notices damage. */
        public void assertRefusedAtLeast(double share) {
            if (!replay && refused < share * inputs) {
                throw new AssertionError("expected at least " + share + " of the inputs refused, got " + this);
            }
        }
    }

    private static final Path FAILURES = Path.of("target", "fuzz-failures");

    private final String name;
    private final List<byte[]> seeds = new ArrayList<>();
    private final List<Class<? extends Throwable>> allowed = new ArrayList<>();
    private Generator generator = FuzzCampaign::byteMutation;
    private int defaultIterations = 200;
    private long timeoutMillis = 10_000;
    private long allocationBudget = 256L << 20;
    private String fileSuffix = ".bin";

    private FuzzCampaign(String name) {
        this.name = name;
    }

    public static FuzzCampaign named(String name) {
        return new FuzzCampaign(name);
    }

    public FuzzCampaign seeds(List<byte[]> inputs) {
        seeds.addAll(inputs);
        return this;
    }

    @SafeVarargs
    public final FuzzCampaign allow(Class<? extends Throwable>... types) {
        allowed.addAll(List.of(types));
        return this;
    }

    public FuzzCampaign generator(Generator g) {
        generator = g;
        return this;
    }

    public FuzzCampaign iterations(int n) {
        defaultIterations = n;
        return this;
    }

    public FuzzCampaign timeoutMillis(long millis) {
        timeoutMillis = millis;
        return this;
    }

    /** Bytes one read may allocate (the JVM's per-thread count); a header's size claim must not buy more. */
    public FuzzCampaign allocationBudget(long bytes) {
        allocationBudget = bytes;
        return this;
    }

    /** The name ending of the file handed to the reader ({@code .npy}, {@code .conf}): some readers look at it. */
    public FuzzCampaign fileSuffix(String suffix) {
        fileSuffix = suffix;
        return this;
    }

    /** The default mutation: stacked byte mutations of a random seed, spliced with another. */
    public static byte[] byteMutation(List<byte[]> seeds, Random random) {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        return Mutator.mutate(seed, other, random);
    }

    public Result run(Path scratch, Target target) throws Exception {
        if (seeds.isEmpty() || allowed.isEmpty()) {
            throw new IllegalStateException("a campaign needs seeds and allowed exception types");
        }
        String replay = System.getProperty("vil.fuzz.replay", "");
        long baseSeed = Long.getLong("vil.fuzz.seed", 1L);
        int iterations = Integer.getInteger("vil.fuzz.iterations", defaultIterations);
        long seconds = Long.getLong("vil.fuzz.seconds", 0L);
        long deadline = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
        long started = System.nanoTime();
        int accepted = 0;
        int refused = 0;
        int done = 0;
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + name);
            t.setDaemon(true);
            return t;
        });
        try {
            if (!replay.isEmpty()) {
                if (!Path.of(replay).getFileName().toString().startsWith(name + "-")) {
                    return new Result(0, 0, 0, 0, true);
                }
                byte[] input = Files.readAllBytes(Path.of(replay));
                boolean ok = runOne(worker, scratch, target, input, "replay of " + replay, -1, -1);
                return new Result(1, ok ? 1 : 0, ok ? 0 : 1, 0, true);
            }
            while (seconds > 0 ? System.nanoTime() < deadline : done < iterations) {
                long inputSeed = baseSeed * 1_000_003L + done;
                byte[] input = generator.next(seeds, new Random(inputSeed));
                if (runOne(worker, scratch, target, input, "seed " + baseSeed + " iteration " + done, baseSeed, done)) {
                    accepted++;
                } else {
                    refused++;
                }
                done++;
            }
        } finally {
            worker.shutdownNow();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("fuzz %s: %d inputs in %.1f s (%d accepted, %d refused)%n", name, done, millis / 1000.0,
                accepted, refused);
        return new Result(done, accepted, refused, millis, false);
    }

    /** True when the reader accepted the input, false when it refused it the allowed way; else fails. */
    private boolean runOne(ExecutorService worker, Path scratch, Target target, byte[] input, String what,
            long baseSeed, int iteration) throws Exception {
        Path file = scratch.resolve(name + "-input" + fileSuffix);
        Files.write(file, input);
        Future<long[]> future = worker.submit(() -> {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            target.read(input, file);
            return new long[] {threads.getCurrentThreadAllocatedBytes() - before};
        });
        Throwable failure;
        try {
            long allocated = future.get(timeoutMillis, TimeUnit.MILLISECONDS)[0];
            if (allocated <= allocationBudget) {
                return true;
            }
            failure = new AssertionError("allocated " + allocated + " bytes for an input of " + input.length
                    + " (budget " + allocationBudget + ")");
        } catch (TimeoutException e) {
            future.cancel(true);
            failure = new AssertionError("no answer within " + timeoutMillis + " ms (hang?)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isAllowed(cause)) {
                if (Boolean.getBoolean("vil.fuzz.verbose")) {
                    System.out.println("fuzz " + name + ", " + what + ": refused: " + cause.getMessage());
                }
                return false;
            }
            failure = cause;
        }
        Path saved = save(input, baseSeed, iteration);
        throw new AssertionError("fuzz " + name + ", " + what + ": " + describe(failure) + "\n  input saved as "
                + saved.toAbsolutePath() + " (replay: -Dvil.fuzz.replay=" + saved.toAbsolutePath() + ")", failure);
    }

    private boolean isAllowed(Throwable t) {
        if (t.getMessage() == null || t.getMessage().isBlank()) {
            return false;
        }
        for (Class<? extends Throwable> type : allowed) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private Path save(byte[] input, long baseSeed, int iteration) throws IOException {
        Files.createDirectories(FAILURES);
        Path saved = FAILURES.resolve(name + "-seed" + baseSeed + "-" + iteration + fileSuffix);
        Files.write(saved, input);
        return saved;
    }

    private static String describe(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        String text = s.toString();
        return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
    }
}
