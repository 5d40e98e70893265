/**
 * {@code vil evaluate}: a model measured on a split of prepared shards, on the executors (loss, top-1,
 * top-k, the confusion matrix, counted exactly), and the report the driver writes from the counts:
 * {@code summary.json}, {@code confusion.csv}, {@code per_class.csv}, {@code confusion.png}.
 */
package io.vilspark.evaluate;
