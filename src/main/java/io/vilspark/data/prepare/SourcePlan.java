package io.vilspark.data.prepare;

import java.util.List;
import java.util.Map;

/**
 * What the driver learned from the top of the input tree, before any Spark work: the layout, the
 * classes in index order and the listing tasks for the executors.
 *
 * @param root qualified input root
 * @param classes class names in index order; null for IDX without configured names (known after the job)
 * @param notes facts for the manifest's source block (ignored loose files, ground-truth file, ...)
 */
record SourcePlan(SourceFormat format, String root, List<String> classes, List<ListingTask> tasks,
                  Map<String, Object> notes) {
}
