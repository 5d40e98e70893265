package io.vilspark.cli;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;

import io.vilspark.config.BadInputException;
import io.vilspark.config.ConfigException;
import io.vilspark.config.UsageException;
import io.vilspark.data.BadDataException;
import io.vilspark.data.prepare.BadSourceException;
import io.vilspark.data.read.ShardDataException;
import io.vilspark.fs.StorageWriteException;
import io.vilspark.interop.CheckpointFormatException;
import io.vilspark.registry.ModelFileException;
import io.vilspark.registry.RegistryException;
import io.vilspark.retrain.RetrainLock;
import io.vilspark.train.NonFiniteLossException;

/**
 * The exit codes of {@code vil}, with the values of BSD's sysexits.h, so that a scheduler can tell "fix the
 * command" from "fix the data", "retry later" and "report a bug" without reading the message.
 */
final class ExitCodes {
    /** A wrong option or configuration key, or a command that cannot be done as given. */
    static final int USAGE = 64;
    /** Input data that is missing, damaged or not what the command needs. */
    static final int DATA = 65;
    /** A bug: the message and {@code --verbose}'s stack trace belong in a bug report. */
    static final int SOFTWARE = 70;
    /** The storage failed or refused a read or write (no space, permission denied, I/O error). */
    static final int IO = 74;
    /** Another run holds the registry's lock: try again later. */
    static final int TEMPFAIL = 75;

    private ExitCodes() {
    }

    /** The exit code for a failure; only failures {@link ExpectedFailures} words get a code other than 70. */
    static int of(Throwable e) {
        if (ExpectedFailures.messageOf(e).isEmpty()) {
            return SOFTWARE;
        }
        if (e instanceof RetrainLock.LockHeldException) {
            return TEMPFAIL;
        }
        if (e instanceof BadInputException bad) {
            return bad.isUsage() ? USAGE : DATA;
        }
        if (e instanceof ConfigException || e instanceof UsageException || e instanceof RegistryException
                || (e instanceof StorageWriteException w && w.pathIsWrong())) {
            return USAGE;
        }
        if (e instanceof ShardDataException || e instanceof BadDataException || e instanceof NonFiniteLossException
                || e instanceof CheckpointFormatException || e instanceof ModelFileException
                || e instanceof BadSourceException || e instanceof NoSuchFileException
                || e instanceof FileNotFoundException) {
            return DATA;
        }
        return e instanceof IOException ? IO : SOFTWARE;
    }
}
