/**
 * The checkpoint importer: a PyTorch checkpoint on any Hadoop path becomes a loaded ViL model with its
 * normalisation and provenance, ready for a model file. {@link io.vilspark.interop.importer.LocalCheckpoint}
 * gives the readers a local file, {@link io.vilspark.interop.importer.StateDictLoader} fills the configured
 * model strictly and {@link io.vilspark.interop.importer.StateDictMismatch} says why a state_dict does not fit.
 */
package io.vilspark.interop.importer;
