package io.vilspark.interop;

import java.util.Collections;
import java.util.List;

/**
 * An unpickled Python tuple. Deliberately without value equality, hashing or a content toString:
 * pickles can build deep or cyclic structures, and recursing into them would overflow the stack.
 */
final class PyTuple {

    private final List<Object> items;

    PyTuple(List<Object> items) {
        this.items = Collections.unmodifiableList(items);
    }

    int size() {
        return items.size();
    }

    Object get(int index) {
        return items.get(index);
    }

    List<Object> items() {
        return items;
    }

    @Override
    public String toString() {
        return "tuple(len=" + items.size() + ")";
    }
}
