package io.vilspark.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retrain lock on a local disk: heartbeat, stale takeover, and what the run that lost it may still do. */
class RetrainLockTest {
    @TempDir
    Path dir;

    @Test
    void aLiveRunKeepsItsLockAStaleOneIsTakenOverAndTheLoserStops() throws Exception {
        String root = dir.toString();
        Configuration conf = new Configuration();
        Duration ttl = Duration.ofMillis(600);
        List<String> log = new ArrayList<>();

        // alive: the heartbeat renews it well past its TTL
        try (RetrainLock alive = RetrainLock.acquire(root, conf, "alive", ttl, log::add)) {
            alive.keepAlive(log::add);
            Thread.sleep(1500);
            RetrainLock.LockHeldException e = assertThrows(RetrainLock.LockHeldException.class,
                    () -> RetrainLock.acquire(root, conf, "other", ttl, log::add));
            assertTrue(e.getMessage().contains("run alive of"), e.getMessage());
        }
        assertTrue(Files.notExists(dir.resolve(RetrainLock.FILE_NAME)), "released");

        // hung (no heartbeat): past its TTL another run takes it over; the hung run may not renew or release it
        RetrainLock hung = RetrainLock.acquire(root, conf, "hung", ttl, log::add);
        Thread.sleep(900);
        RetrainLock next = RetrainLock.acquire(root, conf, "next", ttl, log::add);
        assertTrue(log.stream().anyMatch(l -> l.contains("removing a stale lock") && l.contains("run hung")), log.toString());
        RetrainLock.LockHeldException lost = assertThrows(RetrainLock.LockHeldException.class, hung::renew);
        assertTrue(lost.getMessage().contains("taken over by run next"), lost.getMessage());
        hung.close();
        assertTrue(Files.readString(dir.resolve(RetrainLock.FILE_NAME)).contains("\"next\""), "the new owner's lock stays");
        next.close();
        assertTrue(Files.notExists(dir.resolve(RetrainLock.FILE_NAME)));
        assertEquals(0, log.stream().filter(l -> l.contains("cannot renew")).count(), log.toString());
    }
}
