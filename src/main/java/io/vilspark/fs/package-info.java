/**
 * Storage on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}), shared by every stage: atomic
 * file writes ({@link io.vilspark.fs.AtomicHadoopWrite}), refused writes worded as one line
 * ({@link io.vilspark.fs.StorageWriteException}), the driver's Hadoop configuration
 * ({@link io.vilspark.fs.HadoopConf}) and its shipment to executors ({@link io.vilspark.fs.HadoopConfBox}).
 */
package io.vilspark.fs;
