package io.vilspark.interop;

/** The Java stand-in for an allowed Python callable that the pickle may REDUCE with arguments. */
@FunctionalInterface
interface PickleCallable {

    Object call(PyTuple args) throws CheckpointFormatException;
}
