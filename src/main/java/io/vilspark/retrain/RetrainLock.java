package io.vilspark.retrain;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One retrain at a time per registry: {@code REGISTRY/_retrain.lock}, created with
 * {@code create(overwrite=false)} (exclusive on HDFS and on local disks), holding owner, run id and
 * expiry. A lock past its expiry belongs to a run that died: it is removed and taken over (with a
 * message). The owner renews the expiry from a heartbeat thread every third of the TTL while it is alive
 * ({@link #keepAlive}) and checks that it still owns the lock before each step ({@link #renew}); a run
 * whose lock was taken over stops before changing the registry. A second run meanwhile fails with
 * {@link LockHeldException}, naming the holder. Two runs that both find the same stale lock may both
 * delete it, but only one of them creates the new one.
 */
public final class RetrainLock implements AutoCloseable {
    public static final String FILE_NAME = "_retrain.lock";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FileSystem fs;
    private final Path file;
    private final String runId;
    private final Duration ttl;
    private volatile boolean held;
    private java.util.concurrent.ScheduledExecutorService heartbeat;

    private RetrainLock(FileSystem fs, Path file, String runId, Duration ttl) {
        this.fs = fs;
        this.file = file;
        this.runId = runId;
        this.ttl = ttl;
    }

    /** Another run holds the lock. */
    public static final class LockHeldException extends IOException {
        public LockHeldException(String message) {
            super(message);
        }
    }

    /**
     * Takes the lock or fails with {@link LockHeldException}.
     *
     * @param log where a stale-lock takeover is reported
     */
    public static RetrainLock acquire(String registry, Configuration hadoop, String runId, Duration ttl,
                                      java.util.function.Consumer<String> log) throws IOException {
        Path file = new Path(registry, FILE_NAME);
        FileSystem fs = file.getFileSystem(hadoop);
        fs.mkdirs(file.getParent());
        RetrainLock lock = new RetrainLock(fs, file, runId, ttl);
        for (int attempt = 0; attempt < 2; attempt++) {
            if (lock.tryCreate()) {
                return lock;
            }
            Map<?, ?> holder = lock.readHolder();
            Instant expires = expiry(holder, fs, file, ttl);
            if (expires != null && Instant.now().isAfter(expires)) {
                log.accept("removing a stale lock " + file + " (" + describe(holder) + ", expired " + expires + ")");
                fs.delete(file, false);
                continue;
            }
            if (holderDiedOnThisHost(holder)) {
                log.accept("removing the lock of a dead run " + file + " (" + describe(holder)
                        + "; that process no longer exists on this host)");
                fs.delete(file, false);
                continue;
            }
            throw held(file, holder, expires);
        }
        throw new LockHeldException("another retrain took " + file + " while a stale lock was being removed");
    }

    /**
     * Fails with {@link LockHeldException} when a live lock is there; a read-only look, so a scheduled
     * second invocation can stop before it starts Spark. {@link #acquire} still decides.
     */
    public static void checkFree(String registry, Configuration hadoop, Duration ttl) throws IOException {
        Path file = new Path(registry, FILE_NAME);
        FileSystem fs = file.getFileSystem(hadoop);
        if (!fs.exists(file)) {
            return;
        }
        RetrainLock probe = new RetrainLock(fs, file, "", ttl);
        Map<?, ?> holder = probe.readHolder();
        Instant expires = expiry(holder, fs, file, ttl);
        if (expires != null && !Instant.now().isAfter(expires) && !holderDiedOnThisHost(holder)) {
            throw held(file, holder, expires);
        }
    }

    private static LockHeldException held(Path file, Map<?, ?> holder, Instant expires) {
        return new LockHeldException("another retrain holds " + file + " (" + describe(holder)
                + "); this run did nothing. The lock expires at " + expires + " if its run died.");
    }

    private boolean tryCreate() throws IOException {
        try (OutputStream out = fs.create(file, false)) {
            out.write(JSON.writeValueAsBytes(content()));
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // HDFS reports an existing file through a RemoteException wrapping FileAlreadyExistsException
            if (fs.exists(file) && String.valueOf(e.getMessage()).contains("already exists")) {
                return false;
            }
            throw e;
        }
        held = true;
        return true;
    }

    private Map<String, Object> content() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", ManagementFactory.getRuntimeMXBean().getName());
        m.put("run_id", runId);
        m.put("acquired_at", Instant.now().toString());
        m.put("expires_at", Instant.now().plus(ttl).toString());
        return m;
    }

    /**
     * The lock's content. Creating the file and writing its few bytes are two steps, so a reader may find
     * it empty for a moment: it reads again for up to a second before giving up (then the file's
     * modification time decides whether it is stale).
     */
    private Map<?, ?> readHolder() {
        for (int attempt = 0; ; attempt++) {
            try (InputStream in = fs.open(file)) {
                return JSON.readValue(in, Map.class);
            } catch (java.io.FileNotFoundException gone) {
                return Map.of();
            } catch (IOException e) {
                if (attempt >= 20) {
                    return Map.of();
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Map.of();
            }
        }
    }

    /** The holder's expiry, or (unreadable content) the file's modification time plus the TTL. */
    private static Instant expiry(Map<?, ?> holder, FileSystem fs, Path file, Duration ttl) {
        Object e = holder.get("expires_at");
        if (e != null) {
            try {
                return Instant.parse(e.toString());
            } catch (RuntimeException ignored) {
                // fall through
            }
        }
        try {
            return Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime()).plus(ttl);
        } catch (IOException gone) {
            return Instant.EPOCH;
        }
    }

    /**
     * Whether the holder ({@code PID@HOST}, as the JVM names itself) was a process of this host that is gone:
     * a run killed there (kill -9, a crashed machine rebooted) need not block the next one until its lock expires.
     * A holder on another host is left to its expiry, since its process cannot be seen from here.
     */
    static boolean holderDiedOnThisHost(Map<?, ?> holder) {
        String[] owner = String.valueOf(holder.get("owner")).split("@", 2);
        String self = ManagementFactory.getRuntimeMXBean().getName();
        if (owner.length != 2 || !owner[1].equals(self.substring(self.indexOf('@') + 1)) || !owner[0].matches("\\d+")) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(owner[0])).map(p -> !p.isAlive()).orElse(true);
    }

    private static String describe(Map<?, ?> holder) {
        return holder.isEmpty() ? "holder unknown" : "run " + holder.get("run_id") + " of " + holder.get("owner")
                + " since " + holder.get("acquired_at");
    }

    /**
     * Pushes the expiry on. Refuses (and gives the lock up) when the file no longer names this run: it
     * was taken over as stale, so another run owns the registry now.
     */
    public synchronized void renew() throws IOException {
        if (!held) {
            return;
        }
        Map<?, ?> holder = readHolder();
        if (!holder.isEmpty() && !runId.equals(holder.get("run_id"))) {
            held = false;
            throw new LockHeldException("the lock " + file + " was taken over by run " + holder.get("run_id")
                    + " (this run was idle past --lock-ttl); stopping before changing anything more");
        }
        try (OutputStream out = fs.create(file, true)) {
            out.write(JSON.writeValueAsBytes(content()));
        }
    }

    /**
     * Renews the lock every third of its TTL from a daemon thread while the run is alive, so a long step
     * (training) does not let it expire; a dead process stops renewing and its lock expires.
     */
    public void keepAlive(java.util.function.Consumer<String> log) {
        long period = Math.max(1, ttl.toMillis() / 3);
        heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vil-retrain-lock");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                renew();
            } catch (IOException | RuntimeException e) {
                log.accept("cannot renew the lock " + file + ": " + e.getMessage());
            }
        }, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() throws IOException {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
        if (held) {
            held = false;
            Map<?, ?> holder = readHolder();
            // a lock taken over meanwhile belongs to another run now: leave it
            if (holder.isEmpty() || runId.equals(holder.get("run_id"))) {
                fs.delete(file, false);
            }
        }
    }
}
