package io.vilspark.train;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.vilspark.model.ViLGraph;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The networks the tasks of one executor JVM train with, built once per architecture and lent to one
 * task at a time: a round only loads the broadcast parameters and updater state into them, so no
 * network (nor its SameDiff graphs) is rebuilt per round. Idle networks of other architectures are
 * dropped when a new one is asked for: a JVM trains one model at a time.
 */
final class WorkerNetworks {
    private static final Map<String, Deque<ComputationGraph>> IDLE = new HashMap<>();

    private WorkerNetworks() {
    }

    /** A network of {@code architecture} (a configuration's JSON) whose parameters the caller overwrites. */
    static synchronized ComputationGraph borrow(String architecture) {
        IDLE.keySet().retainAll(Set.of(architecture));
        ComputationGraph idle = IDLE.computeIfAbsent(architecture, a -> new ArrayDeque<>()).poll();
        if (idle != null) {
            return idle;
        }
        ComputationGraph graph = ViLGraph.newNetwork(ComputationGraphConfiguration.fromJson(architecture));
        InPlaceGraphUpdater.install(graph);
        return graph;
    }

    /** Returns a borrowed network for the next task. */
    static synchronized void giveBack(String architecture, ComputationGraph graph) {
        graph.setListeners();
        IDLE.computeIfAbsent(architecture, a -> new ArrayDeque<>()).push(graph);
    }
}
