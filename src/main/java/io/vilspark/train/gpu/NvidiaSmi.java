package io.vilspark.train.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs nvidia-smi to list the GPUs with their compute capability. Only a process: nothing here loads
 * CUDA or ND4J, so it is safe before ND4J picks its backend.
 */
public final class NvidiaSmi implements Supplier<NvidiaSmiReport> {
    /** {@code compute_cap} needs a driver from 2021 or later (R510); older ones reject the field. */
    public static final List<String> QUERY =
            List.of("nvidia-smi", "--query-gpu=index,name,compute_cap", "--format=csv,noheader");

    private final List<String> command;
    private final Duration timeout;

    public NvidiaSmi() {
        this(QUERY, Duration.ofSeconds(30));
    }

    /** @param command the query (another program stands in for nvidia-smi in tests) */
    public NvidiaSmi(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    /** The program and its arguments. */
    public List<String> command() {
        return command;
    }

    @Override
    public NvidiaSmiReport get() {
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            return NvidiaSmiReport.missing(command.get(0) + " could not be started: " + e.getMessage());
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readAsync(process.getInputStream());
            CompletableFuture<String> stderr = readAsync(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return NvidiaSmiReport.failed(command.get(0) + " did not answer within " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                String detail = (stderr.join() + " " + stdout.join()).trim();
                return NvidiaSmiReport.failed(command.get(0) + " exited with code " + process.exitValue()
                        + (detail.isEmpty() ? "" : ": " + detail));
            }
            return NvidiaSmiReport.ran(stdout.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return NvidiaSmiReport.failed("interrupted while waiting for " + command.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Both pipes are drained while the process runs, so a chatty process cannot block on a full pipe. */
    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
