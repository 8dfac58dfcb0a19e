package io.isobench.report;

import io.isobench.result.Direction;
import io.isobench.result.RunDirectory;
import io.isobench.result.RunRecord;
import io.isobench.result.RunStatus;
import io.isobench.result.Sample;
import io.isobench.result.SampleWriter;
import io.isobench.result.TrialRecord;
import io.isobench.result.TrialStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds a run folder from real {@link Sample} and {@link RunRecord} values, written with
 * {@link RunDirectory} and {@link SampleWriter} exactly as a run writes them. The figures are
 * synthetic (drawn around chosen means with a seeded generator) so that tests can put known
 * relations into a run: a variant slower than native, a sweep over clients, latency percentiles,
 * an emulated VM, a failed trial.
 */
final class SyntheticRun {

    final String runId;
    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, TrialRecord> trials = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> environments = new LinkedHashMap<>();
    private final Random random;
    /** Per variant label, metadata every sample of that variant carries beyond the host (inside, workload facts). */
    private final Map<String, Map<String, Object>> metadata = new LinkedHashMap<>();
    String hostname = "bench-host";
    List<String> warnings = new ArrayList<>();
    List<String> commandLine = List.of("isobench", "run", "--suite", "synthetic");
    String suiteName = "synthetic";

    /** A variant: label, environment, settings, emulated. */
    record V(String label, String environment, Map<String, String> settings, boolean emulated) {
    }

    static final V NATIVE = new V("native", "native", Map.of(), false);
    static final V DOCKER_HOST = new V("docker[network=host]", "docker", Map.of("network", "host"), false);
    static final V DOCKER_NAT = new V("docker[network=nat]", "docker", Map.of("network", "nat"), false);
    static final V VM_TCG = new V("vm[accel=tcg]", "vm", Map.of("accel", "tcg"), true);

    SyntheticRun(String runId, long seed) {
        this.runId = runId;
        this.random = new Random(seed);
    }

    /**
     * {@code iterations} values of one metric, normally distributed around {@code mean} with a
     * relative spread {@code cv}; one warm-up sample first, which reports must leave out.
     */
    SyntheticRun metric(String workload, Map<String, Object> params, V v, String metric, Map<String, Object> labels,
                        double mean, double cv, String unit, Direction direction, int iterations) {
        String trialId = trialId(workload, params, v);
        environment(v);
        for (int i = 0; i <= iterations; i++) {
            boolean warmup = i == 0;
            double value = mean * (1 + cv * random.nextGaussian()) * (warmup ? 0.5 : 1);
            samples.add(new Sample(runId, trialId, workload, params, v.environment(), v.label(), v.settings(), v.emulated(),
                    Math.max(1, i), warmup, metric, labels, value, unit, direction, Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i),
                    metadataOf(v)));
        }
        trials.put(trialId, new TrialRecord(trialId, workload, params, v.environment(), v.label(), v.settings(), TrialStatus.DONE,
                iterations, 1, null));
        return this;
    }

    /**
     * A fact every later sample of {@code v} carries, at a dotted path in its metadata, e.g.
     * {@code inside.cpu_model} or {@code workload.openblas_corename}.
     */
    @SuppressWarnings("unchecked")
    SyntheticRun fact(V v, String path, Object value) {
        Map<String, Object> at = metadata.computeIfAbsent(v.label(), k -> new LinkedHashMap<>());
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
        }
        at.put(parts[parts.length - 1], value);
        return this;
    }

    private Map<String, Object> metadataOf(V v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", Map.of("hostname", hostname));
        m.putAll(copy(metadata.getOrDefault(v.label(), Map.of())));
        return m;
    }

    /** A deep copy, so a fact set later reaches only the samples added after it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(k, x instanceof Map<?, ?> nested ? copy((Map<String, Object>) nested) : x));
        return out;
    }

    /** Exactly these measured values of one metric (no warm-up), for figures a test needs to the digit. */
    SyntheticRun values(String workload, Map<String, Object> params, V v, String metric, String unit, Direction direction,
                        double... values) {
        String trialId = trialId(workload, params, v);
        environment(v);
        for (int i = 0; i < values.length; i++) {
            samples.add(new Sample(runId, trialId, workload, params, v.environment(), v.label(), v.settings(), v.emulated(),
                    i + 1, false, metric, Map.of(), values[i], unit, direction, Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i),
                    metadataOf(v)));
        }
        trials.put(trialId, new TrialRecord(trialId, workload, params, v.environment(), v.label(), v.settings(), TrialStatus.DONE,
                values.length, 0, null));
        return this;
    }

    SyntheticRun failed(String workload, Map<String, Object> params, V v, String failure) {
        String trialId = trialId(workload, params, v);
        trials.put(trialId, new TrialRecord(trialId, workload, params, v.environment(), v.label(), v.settings(), TrialStatus.FAILED,
                0, 0, failure));
        return this;
    }

    SyntheticRun environmentFact(V v, String key, Object value) {
        environment(v).put(key, value);
        return this;
    }

    private Map<String, Object> environment(V v) {
        return environments.computeIfAbsent(v.label(), k -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("emulated", v.emulated());
            if (v.environment().equals("docker")) {
                f.put("container_id", "0123456789ab");
                f.put("image", "isobench-guest:synthetic");
            }
            if (v.environment().equals("vm")) {
                f.put("accelerator", v.emulated() ? "tcg" : "kvm");
                f.put("qemu_command", "qemu-system-x86_64 -machine q35 -m 1024 -smp 2 -nographic");
            }
            Map<String, Object> inside = new LinkedHashMap<>();
            inside.put("hostname", v.environment().equals("native") ? hostname : "guest-" + v.environment());
            inside.put("kernel", v.environment().equals("vm") ? "6.1.0-cloud-amd64" : "6.18.44");
            inside.put("cgroup", "0::/isobench/" + v.environment() + "\n1:cpu:/");
            inside.put("cpus", 2);
            inside.put("mem_total_bytes", 1073741824L);
            f.put("inside", inside);
            return f;
        });
    }

    private String trialId(String workload, Map<String, Object> params, V v) {
        String key = workload + params + v.label();
        for (TrialRecord t : trials.values()) {
            if ((t.workload() + t.params() + t.variant()).equals(key)) {
                return t.id();
            }
        }
        return String.format("t%03d", trials.size() + 1);
    }

    /** Writes the run folder under {@code parent} and returns it. */
    RunDirectory write(Path parent) throws IOException {
        RunDirectory dir = RunDirectory.create(parent, runId);
        try (SampleWriter w = new SampleWriter(dir.samples())) {
            for (Sample s : samples) {
                w.append(s);
            }
        }
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("hostname", hostname);
        host.put("kernel", "6.18.44");
        host.put("cpus", 2);
        Map<String, Object> suite = new LinkedHashMap<>();
        suite.put("name", suiteName);
        suite.put("baseline", "native");
        dir.writeRecord(new RunRecord(runId, "0.1.0-test", commandLine, Instant.parse("2026-11-22T10:00:00Z"),
                Instant.parse("2026-11-22T10:05:00Z"), trials.values().stream().anyMatch(t -> t.status() == TrialStatus.FAILED)
                ? RunStatus.INCOMPLETE : RunStatus.COMPLETE, null, suite, host, null, warnings, environments, new ArrayList<>(trials.values()), null));
        return dir;
    }

    /**
     * A run with every kind of figure the report draws: STREAM-like bandwidths (the emulated VM far
     * slower, Docker the same as native), a Redis-like sweep over clients, latency percentiles, a
     * parameter swept across trials, and a failed trial.
     */
    static SyntheticRun rich(String runId, long seed) {
        SyntheticRun r = new SyntheticRun(runId, seed);
        Map<String, Object> streamP = Map.of("size", 1000000);
        for (V v : List.of(NATIVE, DOCKER_HOST, VM_TCG)) {
            double f = v.emulated() ? 0.3 : 1;
            r.metric("stream", streamP, v, "copy", Map.of(), 10 * f, 0.01, "GB/s", Direction.HIGHER, 5);
            r.metric("stream", streamP, v, "triad", Map.of(), 11 * f, 0.01, "GB/s", Direction.HIGHER, 5);
        }
        for (V v : List.of(NATIVE, DOCKER_HOST, DOCKER_NAT)) {
            double f = v == DOCKER_NAT ? 0.7 : 1;
            for (int clients : List.of(1, 10, 50)) {
                r.metric("redis", Map.of(), v, "get", Map.of("clients", clients), 15000 * Math.sqrt(clients) * f, 0.02, "req/s",
                        Direction.HIGHER, 4);
            }
        }
        for (V v : List.of(NATIVE, DOCKER_NAT)) {
            double f = v == DOCKER_NAT ? 1.3 : 1;
            r.metric("tcp_rr", Map.of(), v, "latency", Map.of(), 38 * f, 0.02, "us", Direction.LOWER, 5);
            r.metric("tcp_rr", Map.of(), v, "p50", Map.of(), 36 * f, 0.02, "us", Direction.LOWER, 5);
            r.metric("tcp_rr", Map.of(), v, "p99", Map.of(), 60 * f, 0.05, "us", Direction.LOWER, 5);
        }
        for (int threads : List.of(1, 2, 4)) {
            for (V v : List.of(NATIVE, DOCKER_HOST)) {
                r.metric("hash", Map.of("threads", threads), v, "throughput", Map.of(), 1000 * threads, 0.02, "MB/s", Direction.HIGHER, 3);
            }
        }
        r.failed("blockio", Map.of("pattern", "randread"), VM_TCG, "guest did not answer within 180s\nsee logs/vm-console.log");
        return r;
    }
}
