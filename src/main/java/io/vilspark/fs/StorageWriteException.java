package io.vilspark.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.Optional;

import org.apache.hadoop.fs.ClusterStorageCapacityExceededException;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.security.AccessControlException;

/**
 * A write the storage refused (out of space or quota, permission denied, a parent that is a file), worded as one
 * line that names the file being written and why, instead of the file system's exception naming some internal path.
 */
public final class StorageWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    private StorageWriteException(String message, IOException cause) {
        super(message, cause);
    }

    /** True when the path itself is wrong (a parent that is a file), not the storage: the user fixes the command. */
    public boolean pathIsWrong() {
        return getCause() instanceof ParentNotDirectoryException || getCause() instanceof FileAlreadyExistsException;
    }

    /** The failure as a refused write of {@code target}, or empty when it is not one (a bug, a bad input). */
    public static Optional<StorageWriteException> of(String target, IOException e) {
        if (e instanceof StorageWriteException already) {
            return Optional.of(already);
        }
        String reason = reason(e);
        return reason == null ? Optional.empty()
                : Optional.of(new StorageWriteException("cannot write " + target + ": " + reason, e));
    }

    private static String reason(IOException e) {
        String detail = String.valueOf(e.getMessage()).strip().replaceAll("(?s)\\s*\\R.*", "");
        if (e instanceof ClusterStorageCapacityExceededException) {
            // HDFS quotas (DSQuotaExceededException, NSQuotaExceededException) and a full cluster
            return "no space (" + detail + ")";
        }
        if (e instanceof AccessControlException || e instanceof AccessDeniedException) {
            return "permission denied (" + detail + ")";
        }
        if (e instanceof ParentNotDirectoryException || (e instanceof FileAlreadyExistsException
                && detail.contains("not a directory"))) {
            return "its parent is a file, not a folder (" + detail + ")";
        }
        if (detail.contains("No space left on device")) {
            return "no space left on device";
        }
        return null;
    }
}
