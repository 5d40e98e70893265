package io.vilspark.retrain;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilspark.config.UsageException;
import io.vilspark.data.BadDataException;
import io.vilspark.data.DatasetManifest;
import io.vilspark.data.DatasetUnion;
import io.vilspark.data.read.ShardDatasets;
import io.vilspark.evaluate.EvaluateJob;
import io.vilspark.evaluate.EvaluateSettings;
import io.vilspark.fs.AtomicHadoopWrite;
import io.vilspark.registry.ChampionPointer;
import io.vilspark.registry.ModelFile;
import io.vilspark.registry.ModelMetadata;
import io.vilspark.registry.ModelRegistry;
import io.vilspark.registry.ModelVersion;
import io.vilspark.train.RecipeFile;
import io.vilspark.train.TrainJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code vil retrain}: fine-tunes the registry's champion on data partitions that arrived since it was
 * trained, compares challenger and champion on a fixed holdout, and promotes the challenger only when it
 * is better by the margin. Steps, each of which a rerun with the same run id skips when already done:
 * <ol>
 *   <li>lock the registry ({@link RetrainLock});</li>
 *   <li>plan: partitions = sub-folders of the data root with a {@code _manifest.json} (prepare writes it
 *       last, so a partition being written is not seen); new = not in the champion's {@code seen} list;
 *       none new: exit 0 with a message. The plan (version id, parent, partitions) is written to
 *       {@code runs/RUN/plan.json} and fixed from then on;</li>
 *   <li>train: {@code vil train} into {@code runs/RUN/train} on the union of the partitions (old + new, or
 *       new only), starting from the champion's parameters with a fresh warm-up + cosine schedule over the
 *       fine-tune epochs; resumes from its checkpoints;</li>
 *   <li>evaluate challenger, then champion, on the holdout ({@code runs/RUN/eval/*}, kept when done);</li>
 *   <li>register the version ({@code versions/ID}), then move the champion pointer when promoted;</li>
 *   <li>write the decision ({@code decisions/RUN.json}): the run is done.</li>
 * </ol>
 * The champion pointer is the only thing that changes which model is served, and it moves last: a crash
 * anywhere leaves the old champion in place.
 */
public final class RetrainJob {
    public enum TrainOn { ALL, NEW }

    /**
     * @param registry     model registry root
     * @param data         data root: one prepared dataset per sub-folder (the partitions)
     * @param holdout      prepared dataset the challenger and champion are compared on
     * @param holdoutSplit its split (null: {@code test} if present, else {@code val})
     * @param runId        null: derived from the champion and the new partitions (a rerun on the same inputs is the same run)
     * @param recipe       training recipe (name or .conf) and its overrides
     * @param epochs       fine-tune epochs (0: the recipe's)
     * @param margin       the challenger's holdout top-1 must be at least champion + margin (fraction, e.g. 0.01)
     * @param trainOn      old + new partitions, or new only
     * @param lockTtl      how long a lock lives without renewal
     */
    public record Settings(String registry, String data, String holdout, String holdoutSplit, String runId,
                           String recipe, List<String> overrides, int epochs, double margin, TrainOn trainOn,
                           Duration lockTtl) {
    }

    /** What a run did. */
    public enum Outcome { NOTHING_TO_DO, PROMOTED, REJECTED, ALREADY_DONE }

    public record Result(Outcome outcome, String runId, String version, Map<String, Object> decision) {
    }

    /** The fixed part of a run, written before any work. */
    public record Plan(String runId, String version, String parent, String parentModel, List<String> newPartitions,
                       List<ModelVersion.Partition> trainedOn, List<String> seen, String createdAt) {
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SparkSession spark;
    private final PrintStream out;
    private final RetrainSteps steps;

    public RetrainJob(SparkSession spark, PrintStream out, RetrainSteps steps) {
        this.spark = spark;
        this.out = out;
        this.steps = steps;
    }

    public Result run(Settings s) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        ModelRegistry registry = new ModelRegistry(s.registry(), hadoop);
        String lockId = s.runId() != null ? s.runId() : "(auto)";
        try (RetrainLock lock = RetrainLock.acquire(s.registry(), hadoop, lockId, s.lockTtl(),
                msg -> out.println("retrain: " + msg))) {
            lock.keepAlive(msg -> out.println("retrain: " + msg));
            return runLocked(s, registry, lock, hadoop);
        }
    }

    private Result runLocked(Settings s, ModelRegistry registry, RetrainLock lock, Configuration hadoop)
            throws IOException {
        Optional<ChampionPointer> champion = registry.champion();
        List<ModelVersion.Partition> partitions = partitions(s.data(), hadoop);
        Set<String> seen = new LinkedHashSet<>();
        ModelVersion championVersion = null;
        if (champion.isPresent()) {
            championVersion = registry.require(champion.get().version());
            seen.addAll(championVersion.seen());
        }
        if (championVersion != null) {
            warnAboutChangedPartitions(championVersion, partitions);
        }
        List<ModelVersion.Partition> fresh = new ArrayList<>();
        for (ModelVersion.Partition p : partitions) {
            if (!seen.contains(p.name())) {
                fresh.add(p);
            }
        }
        String runId = s.runId() != null ? s.runId() : autoRunId(champion, fresh);
        Path decisionFile = new Path(new Path(s.registry(), "decisions"), runId + ".json");
        FileSystem fs = decisionFile.getFileSystem(hadoop);
        if (fs.exists(decisionFile)) {
            Map<String, Object> d = readMap(fs, decisionFile);
            out.println("retrain: run " + runId + " already finished (" + d.get("decision") + " " + d.get("version")
                    + "); nothing done");
            return new Result(Outcome.ALREADY_DONE, runId, (String) d.get("version"), d);
        }
        Path runDir = new Path(new Path(s.registry(), "runs"), runId);
        Path planFile = new Path(runDir, "plan.json");
        Plan plan;
        if (fs.exists(planFile)) {
            try (InputStream in = fs.open(planFile)) {
                plan = JSON.readValue(in, Plan.class);
            }
            out.println("retrain: resuming run " + runId + " (version " + plan.version() + ")");
            if (!java.util.Objects.equals(plan.parent(), champion.map(ChampionPointer::version).orElse(null))) {
                throw new UsageException("run " + runId + " was planned against champion " + plan.parent()
                        + " but the champion is now " + champion.map(ChampionPointer::version).orElse("none")
                        + ": start a new run (another --run-id)");
            }
            checkInputs(s, plan.trainedOn(), plan.parentModel(), hadoop);
        } else {
            if (fresh.isEmpty()) {
                out.println("retrain: nothing to do: no new partitions in " + s.data() + " since champion "
                        + champion.map(ChampionPointer::version).orElse("(none)") + " (" + partitions.size()
                        + " partition(s), all seen)");
                return new Result(Outcome.NOTHING_TO_DO, runId, null, Map.of());
            }
            reportUnfinishedRuns(s.registry(), fs, runId);
            List<ModelVersion.Partition> trainedOn = new ArrayList<>();
            for (ModelVersion.Partition p : partitions) {
                if (s.trainOn() == TrainOn.ALL || !seen.contains(p.name())) {
                    trainedOn.add(p);
                }
            }
            List<String> allSeen = new ArrayList<>(seen);
            fresh.forEach(p -> allSeen.add(p.name()));
            plan = new Plan(runId, registry.nextVersionId(),
                    champion.map(ChampionPointer::version).orElse(null),
                    champion.map(c -> registry.modelPath(c.version())).orElse(null),
                    fresh.stream().map(ModelVersion.Partition::name).toList(), trainedOn, allSeen,
                    Instant.now().toString());
            // before anything is written: a mistake in the inputs costs no version id and no training
            checkInputs(s, trainedOn, champion.map(c -> registry.modelPath(c.version())).orElse(null), hadoop);
            // reserve the version id: nextVersionId counts folders, finished or not
            fs.mkdirs(new Path(registry.versionFolder(plan.version())));
            writeJson(planFile.toString(), plan, hadoop);
            out.println("retrain: run " + runId + ": new partition(s) " + plan.newPartitions() + "; training "
                    + plan.version() + " on " + plan.trainedOn().stream().map(ModelVersion.Partition::name).toList()
                    + (plan.parent() == null ? " from scratch (no champion yet)" : " from champion " + plan.parent()));
        }

        // 1. data: the union of the partitions trained on, with the champion's normalisation
        String union = new Path(runDir, "data").toString();
        if (!fs.exists(new Path(union, DatasetManifest.FILE_NAME))) {
            List<Double> mean = null;
            List<Double> std = null;
            if (plan.parentModel() != null) {
                ModelMetadata m = ModelFile.read(plan.parentModel(), false, hadoop).metadata();
                mean = m.mean();
                std = m.std();
            }
            DatasetUnion.write(union, plan.trainedOn().stream().map(ModelVersion.Partition::path).toList(), mean, std,
                    hadoop);
        }

        // 2. train (resumes from checkpoints; skipped when the model is there)
        String trainOut = new Path(runDir, "train").toString();
        String challengerModel = new Path(trainOut, "model.zip").toString();
        if (!fs.exists(new Path(challengerModel))) {
            new TrainJob(spark, out).run(new TrainJob.Settings(union, trainOut, s.recipe(), trainOverrides(s), true,
                    plan.parentModel()));
        } else {
            out.println("retrain: challenger already trained: " + challengerModel);
        }
        steps.reached(RetrainSteps.AFTER_TRAINING);
        lock.renew();

        // 3. evaluate challenger and champion on the same holdout
        EvaluateSettings eval = EvaluateSettings.load(Optional.empty(), s.holdoutSplit() == null ? List.of()
                : List.of("evaluate.split=\"" + s.holdoutSplit() + "\""));
        Map<String, Object> challenger = evaluate(challengerModel, s.holdout(), new Path(runDir, "eval/challenger"),
                eval, hadoop);
        steps.reached(RetrainSteps.DURING_EVALUATION);
        Map<String, Object> championEval = plan.parentModel() == null ? null
                : evaluate(plan.parentModel(), s.holdout(), new Path(runDir, "eval/champion"), eval, hadoop);
        lock.renew();

        // 4. decide, register, promote
        double challengerTop1 = ((Number) challenger.get("top1")).doubleValue();
        Double championTop1 = championEval == null ? null : ((Number) championEval.get("top1")).doubleValue();
        boolean promote = championTop1 == null || challengerTop1 >= championTop1 + s.margin();
        String reason = championTop1 == null
                ? String.format(Locale.ROOT, "first version (holdout top-1 %.4f)", challengerTop1)
                : String.format(Locale.ROOT, "holdout top-1 %.4f vs champion %s %.4f (difference %+.4f, margin %.4f)",
                challengerTop1, plan.parent(), championTop1, challengerTop1 - championTop1, s.margin());
        Map<String, Object> evaluation = new LinkedHashMap<>();
        evaluation.put("holdout", s.holdout());
        evaluation.put("split", challenger.get("split"));
        evaluation.put("challenger", numbers(challenger));
        evaluation.put("champion", championEval == null ? null : numbers(championEval));
        evaluation.put("champion_version", plan.parent());
        evaluation.put("margin", s.margin());
        evaluation.put("verdict", promote ? "promote" : "reject");
        evaluation.put("reason", reason);

        lock.renew();   // still ours? (a run whose lock was taken over must not register or promote)
        if (registry.version(plan.version()).isEmpty()) {
            registry.register(new ModelVersion(plan.version(), Instant.now().toString(), plan.parent(), runId,
                    registry.modelPath(plan.version()), s.recipe(), s.overrides(), plan.trainedOn(), plan.seen(),
                    plan.newPartitions(), lastEpoch(trainOut, hadoop), evaluation), challengerModel);
        }
        steps.reached(RetrainSteps.DURING_PROMOTION);
        if (promote && !registry.champion().map(ChampionPointer::version).orElse("").equals(plan.version())) {
            registry.promote(plan.version(), reason, runId);
        }

        // 5. the decision, written last: the run is finished
        Map<String, Object> decision = new LinkedHashMap<>();
        decision.put("run_id", runId);
        decision.put("version", plan.version());
        decision.put("decision", promote ? "promoted" : "rejected");
        decision.put("champion_before", plan.parent());
        decision.put("champion_after", registry.champion().map(ChampionPointer::version).orElse(null));
        decision.put("reason", reason);
        decision.put("new_partitions", plan.newPartitions());
        decision.put("trained_on", plan.trainedOn().stream().map(ModelVersion.Partition::name).toList());
        decision.put("evaluation", evaluation);
        decision.put("finished_at", Instant.now().toString());
        writeJson(decisionFile.toString(), decision, hadoop);
        out.println("retrain: " + plan.version() + " " + (promote ? "promoted to champion" : "not promoted") + ": "
                + reason);
        return new Result(promote ? Outcome.PROMOTED : Outcome.REJECTED, runId, plan.version(), decision);
    }

    /** The recipe overrides of the fine-tune: the user's, and the run's epochs when given. */
    private static List<String> trainOverrides(Settings s) {
        List<String> overrides = new ArrayList<>(s.overrides());
        if (s.epochs() > 0) {
            overrides.add("train.epochs=" + s.epochs());
        }
        return overrides;
    }

    /**
     * Opens everything the run reads (the recipe with its overrides, the shards of the partitions it trains on, the
     * holdout split, the champion's model file), so that a mistake stops it before the plan, and not after hours
     * of training.
     */
    private static void checkInputs(Settings s, List<ModelVersion.Partition> trainedOn, String championModel,
                                    Configuration hadoop) throws IOException {
        RecipeFile.load(s.recipe(), trainOverrides(s));
        for (ModelVersion.Partition p : trainedOn) {
            ShardDatasets.checkSplit(p.path(), "train", hadoop);
            ShardDatasets.checkSplit(p.path(), "val", hadoop);
        }
        DatasetManifest.read(s.holdout(), hadoop);
        ShardDatasets.checkSplit(s.holdout(), s.holdoutSplit() != null ? s.holdoutSplit()
                : EvaluateJob.defaultSplit(s.holdout(), hadoop), hadoop);
        if (championModel != null) {
            ModelFile.read(championModel, false, hadoop);
        }
    }

    /** The holdout numbers of a model, from a finished evaluation of this run when there is one. */
    private Map<String, Object> evaluate(String model, String holdout, Path dir, EvaluateSettings eval,
                                         Configuration hadoop) throws IOException {
        Path summary = new Path(dir, "summary.json");
        FileSystem fs = summary.getFileSystem(hadoop);
        if (!fs.exists(summary)) {
            EvaluateJob.run(spark, model, holdout, dir.toString(), eval, null);
        }
        Map<String, Object> m = readMap(fs, summary);
        out.printf(Locale.ROOT, "retrain: %s: holdout top-1 %.4f, loss %.4f (%s images)%n", model,
                ((Number) m.get("top1")).doubleValue(), ((Number) m.get("loss")).doubleValue(), m.get("images"));
        return m;
    }

    private static Map<String, Object> numbers(Map<String, Object> summary) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("model", "images", "top1", "top5", "loss")) {
            if (summary.containsKey(k)) {
                m.put(k, summary.get(k));
            }
        }
        return m;
    }

    /** Partitions: sub-folders of the data root that hold a complete prepared dataset, by name. */
    static List<ModelVersion.Partition> partitions(String data, Configuration hadoop) throws IOException {
        Path root = new Path(data);
        FileSystem fs = root.getFileSystem(hadoop);
        if (!fs.exists(root)) {
            throw new BadDataException(data + ": no such data root");
        }
        List<ModelVersion.Partition> out = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root)) {
            String name = st.getPath().getName();
            if (!st.isDirectory() || name.startsWith("_") || name.startsWith(".")
                    || !fs.exists(new Path(st.getPath(), DatasetManifest.FILE_NAME))) {
                continue;
            }
            DatasetManifest m = DatasetManifest.read(st.getPath().toString(), hadoop);
            out.add(new ModelVersion.Partition(name, st.getPath().toString(), m.rows().getOrDefault("train", 0L),
                    m.rows().getOrDefault("val", 0L)));
        }
        out.sort(java.util.Comparator.comparing(ModelVersion.Partition::name));
        if (out.isEmpty() && fs.exists(new Path(root, DatasetManifest.FILE_NAME))) {
            throw new UsageException(data + " is one prepared dataset, not a root of partitions: put each prepared "
                    + "dataset in a sub-folder (e.g. " + data + "/2026-11-01)");
        }
        return out;
    }

    /**
     * Partitions are immutable by contract: new data goes into a new sub-folder. One that was re-prepared
     * under a name the champion saw is not retrained; say so rather than pass over it silently.
     */
    private void warnAboutChangedPartitions(ModelVersion champion, List<ModelVersion.Partition> partitions) {
        Map<String, Long> recorded = new LinkedHashMap<>();
        champion.trainedOn().forEach(p -> recorded.put(p.name(), p.trainRows()));
        for (ModelVersion.Partition p : partitions) {
            Long before = recorded.get(p.name());
            if (before != null && before != p.trainRows()) {
                out.println("retrain: warning: partition " + p.name() + " changed since champion " + champion.id()
                        + " was trained on it (" + before + " -> " + p.trainRows() + " training images); it is not "
                        + "new data: put new data in a new sub-folder of the data root");
            }
        }
    }

    private void reportUnfinishedRuns(String registry, FileSystem fs, String runId) throws IOException {
        Path runs = new Path(registry, "runs");
        if (!fs.exists(runs)) {
            return;
        }
        for (FileStatus st : fs.listStatus(runs)) {
            String other = st.getPath().getName();
            if (!other.equals(runId) && !fs.exists(new Path(new Path(registry, "decisions"), other + ".json"))) {
                out.println("retrain: note: run " + other + " did not finish (rerun it with --run-id " + other
                        + " to resume it); this run starts clean");
            }
        }
    }

    private static String autoRunId(Optional<ChampionPointer> champion, List<ModelVersion.Partition> fresh) {
        StringBuilder sb = new StringBuilder(champion.map(ChampionPointer::version).orElse("-"));
        fresh.forEach(p -> sb.append('|').append(p.name()).append(':').append(p.trainRows()));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return "auto-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lastEpoch(String trainOut, Configuration hadoop) throws IOException {
        Path metrics = new Path(trainOut, "metrics.jsonl");
        FileSystem fs = metrics.getFileSystem(hadoop);
        if (!fs.exists(metrics)) {
            return Map.of();
        }
        try (InputStream in = fs.open(metrics)) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? Map.of() : JSON.readValue(lines.get(lines.size() - 1), Map.class);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readMap(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return JSON.readValue(in, Map.class);
        }
    }

    private static void writeJson(String file, Object value, Configuration hadoop) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(value);
        AtomicHadoopWrite.writeEditable(file, hadoop, o -> o.write(bytes));
    }
}
