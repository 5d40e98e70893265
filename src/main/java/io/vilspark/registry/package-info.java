/**
 * Model files ({@link io.vilspark.registry.ModelFile}: DL4J's zip plus the metadata entry) and the model registry
 * ({@link io.vilspark.registry.ModelRegistry}): versions with their records, and the champion as a numbered
 * pointer log.
 */
package io.vilspark.registry;
