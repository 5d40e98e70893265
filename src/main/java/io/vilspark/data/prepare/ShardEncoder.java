package io.vilspark.data.prepare;

import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import io.vilspark.image.SkipReason;
import io.vilspark.image.SkippedInput;
import io.vilspark.data.PatchLayout;
import io.vilspark.fs.HadoopConfBox;
import io.vilspark.image.ChwImage;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import scala.Tuple2;

/**
 * The body of one shard's task, on an executor: reads each input of the shard (in key order),
 * decodes, resizes, crops and cuts it into patches, and yields the shard rows one at a time,
 * so a task holds one image at a time, not its shard. Bad inputs become skip counts.
 */
final class ShardEncoder implements FlatMapFunction<Iterator<Tuple2<Long, InputItem>>, Row> {
    private static final long serialVersionUID = 1L;
    private final EncodeSettings settings;
    private final HadoopConfBox hadoop;
    private final StatsAccumulator stats;
    private final LongAccumulator inputsDone;

    ShardEncoder(EncodeSettings settings, HadoopConfBox hadoop, StatsAccumulator stats, LongAccumulator inputsDone) {
        this.settings = settings;
        this.hadoop = hadoop;
        this.stats = stats;
        this.inputsDone = inputsDone;
    }

    @Override
    public Iterator<Row> call(Iterator<Tuple2<Long, InputItem>> items) {
        Rows rows = new Rows(items);
        TaskContext context = TaskContext.get();
        if (context != null) {
            context.addTaskCompletionListener((TaskCompletionListener) ctx -> rows.closeCursor());
        }
        return rows;
    }

    /** Lazily encodes the shard's inputs; adds the task's tally when the last one is done. */
    private final class Rows implements Iterator<Row> {
        private final Iterator<Tuple2<Long, InputItem>> items;
        private final Configuration conf = hadoop.get();
        private final PatchLayout layout = settings.layout();
        private final ImageFileEncoder encoder = new ImageFileEncoder(settings.resolution(), settings.patch(),
                settings.channels(), settings.filter(), settings.maxPixels(), settings.maxFileBytes());
        private final StatsTally tally = new StatsTally(settings.channels(), settings.skippedExamples());
        private IdxCursor cursor;
        private Row next;
        private boolean reported;

        Rows(Iterator<Tuple2<Long, InputItem>> items) {
            this.items = items;
        }

        @Override
        public boolean hasNext() {
            while (next == null && items.hasNext()) {
                next = encode(items.next()._2());
                inputsDone.add(1);
            }
            if (next == null && !reported) {
                reported = true;
                closeCursor();
                stats.add(tally);
            }
            return next != null;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = next;
            next = null;
            return row;
        }

        private Row encode(InputItem item) {
            if (item.key().equals(settings.failOnKey())) {
                throw new IllegalStateException("injected failure (prepare.fail_on_key) at " + item.key());
            }
            if (item.preSkip() != null) {
                tally.addSkip(item.preSkip(), item.key());
                return null;
            }
            byte[] stored;
            try {
                stored = item.isIdx() ? encoder.stored(idxRecord(item)) : encoder.stored(item.path(), item.size(), conf);
            } catch (SkippedInput skip) {
                tally.addSkip(skip.reason, item.key());
                return null;
            }
            tally.addRow(item.split(), item.label(), stored);
            return RowFactory.create(item.key(), item.label(), layout.gridH(), layout.gridW(), layout.patch(),
                    layout.channels(), layout.toPatches(stored));
        }

        private ChwImage idxRecord(InputItem item) throws SkippedInput {
            ChwImage image;
            try {
                if (cursor == null || !cursor.path().equals(item.path())) {
                    closeCursor();
                    cursor = new IdxCursor(item.path(), conf);
                }
                image = cursor.read(item.idxIndex());
            } catch (EOFException e) {
                throw new SkippedInput(SkipReason.TRUNCATED, e.getMessage());
            } catch (java.util.zip.ZipException e) {
                throw new SkippedInput(SkipReason.CORRUPT, e.getMessage());
            } catch (IOException e) {
                throw new SkippedInput(SkipReason.UNREADABLE, e.toString());
            }
            if ((long) image.height() * image.width() > settings.maxPixels()) {
                throw new SkippedInput(SkipReason.TOO_LARGE, image.width() + "x" + image.height());
            }
            if (Math.min(image.height(), image.width()) < settings.patch()) {
                throw new SkippedInput(SkipReason.TOO_SMALL, image.width() + "x" + image.height());
            }
            return image;
        }

        void closeCursor() {
            if (cursor != null) {
                try {
                    cursor.close();
                } catch (IOException ignored) {
                    // a read-only stream: nothing is lost
                }
                cursor = null;
            }
        }
    }
}
