package io.isobench.report;

import io.isobench.result.Direction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The published figures of the study isobench reimplements (Felter et al., IBM 2014), and the one
 * place that maps an isobench figure (workload, metric, labels, parameters, variant) to the study's
 * (benchmark, metric, setup), so a report can show the study's ratio to native beside the measured
 * one.
 *
 * <p>The figures are the study's own (copied from {@code shared/reference/felter2014.csv} into the
 * jar, so a report never depends on files beside it). Absolute values belong to the study's 2014
 * host; only ratios to native are comparable, and only ratios are shown.
 *
 * <p>Mapping rules, in the order they are tried:
 * <ol>
 *   <li>benchmark: by workload name (linpack, stream, randomaccess, tcp_stream, tcp_rr, udp_rr,
 *       redis, mysql as themselves; blockio is the study's fio);</li>
 *   <li>metric: the study's metric of the same name when there is one; otherwise per benchmark, by
 *       the words in the figure's description (metric, labels and parameters, lower case), see
 *       {@link #studyMetric};</li>
 *   <li>setup: native is native; docker with network=host is docker-host, with network=nat is
 *       docker-nat (docker-nat-aufs for MySQL when its data lives in the container filesystem),
 *       other Docker networks fall back to the study's plain "docker"; a VM is kvm-tuned or
 *       kvm-untuned by its tuning setting, falling back to "kvm". Runtimes the study did not run
 *       (gVisor) map to nothing.</li>
 * </ol>
 * A figure that maps to nothing simply shows no study ratio.
 */
public final class StudyReference {

    /** The study's ratio for one figure, turned so that above 1 is better (like the measured one). */
    public record Ratio(String benchmark, String metric, String setup, double performance) {
        public String describe() {
            return "Felter 2014: " + benchmark + " " + metric + ", " + setup + " vs native";
        }
    }

    private record Row(String benchmark, String metric, String unit, Direction direction, String setup, double value) {
    }

    private static final String RESOURCE = "/io/isobench/reference/felter2014.csv";

    /** isobench workload name -> the study's benchmark name. */
    private static final Map<String, String> BENCHMARKS = Map.of(
            "linpack", "linpack", "stream", "stream", "randomaccess", "randomaccess", "tcp_stream", "tcp_stream",
            "tcp_rr", "tcp_rr", "udp_rr", "udp_rr", "blockio", "fio", "redis", "redis", "mysql", "mysql");

    private static volatile StudyReference bundled;

    private final List<Row> rows;

    private StudyReference(List<Row> rows) {
        this.rows = rows;
    }

    /** The study's figures bundled in the jar. */
    public static StudyReference bundled() {
        StudyReference r = bundled;
        if (r == null) {
            try (InputStream in = StudyReference.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the jar lacks " + RESOURCE);
                }
                r = parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = r;
        }
        return r;
    }

    static StudyReference parse(InputStream in) throws IOException {
        List<Row> rows = new ArrayList<>();
        BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        boolean header = true;
        while ((line = br.readLine()) != null) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (header) {
                header = false;
                continue;
            }
            String[] f = line.split(",");
            rows.add(new Row(f[0], f[1], f[2], Direction.parse(f[3]), f[4], Double.parseDouble(f[5])));
        }
        return new StudyReference(rows);
    }

    /**
     * The study's performance ratio for a figure, or empty when the study has nothing comparable.
     *
     * @param environment the isobench environment (native, docker, vm, ...)
     * @param settings    the variant's settings (network, storage, tuning, runtime...)
     */
    public Optional<Ratio> ratio(String workload, String metric, Map<String, Object> labels, Map<String, Object> params,
                                 String environment, Map<String, String> settings) {
        String benchmark = BENCHMARKS.get(workload);
        if (benchmark == null) {
            return Optional.empty();
        }
        Map<String, Row> metricRows = new LinkedHashMap<>();
        String m = studyMetric(benchmark, metric, labels, params);
        if (m == null) {
            return Optional.empty();
        }
        for (Row r : rows) {
            if (r.benchmark.equals(benchmark) && r.metric.equals(m)) {
                metricRows.put(r.setup, r);
            }
        }
        Row nativeRow = metricRows.get("native");
        if (nativeRow == null) {
            return Optional.empty();
        }
        for (String setup : setups(benchmark, environment, settings)) {
            Row r = metricRows.get(setup);
            if (r != null) {
                double perf = r.direction == Direction.HIGHER ? r.value / nativeRow.value : nativeRow.value / r.value;
                return Optional.of(new Ratio(benchmark, m, setup, perf));
            }
        }
        return Optional.empty();
    }

    /** One of the study's findings: a setup's figure relative to the study's native one (above 1 is better). */
    public record Finding(String benchmark, String metric, String unit, String setup, double performance) {
        public String describe() {
            return "Felter 2014: " + benchmark + " " + metric + ", " + setup + " vs native";
        }
    }

    /** Every figure of the study relative to its native one, in the order the study's table lists them. */
    public List<Finding> findings() {
        List<Finding> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.setup.equals("native")) {
                continue;
            }
            rows.stream().filter(n -> n.benchmark.equals(r.benchmark) && n.metric.equals(r.metric) && n.setup.equals("native")).findFirst()
                    .ifPresent(n -> out.add(new Finding(r.benchmark, r.metric, r.unit, r.setup,
                            r.direction == Direction.HIGHER ? r.value / n.value : n.value / r.value)));
        }
        return out;
    }

    /** The study's setup a variant is compared with for one of the study's figures, or empty when none applies. */
    public Optional<String> setupFor(String benchmark, String studyMetric, String environment, Map<String, String> settings) {
        for (String setup : setups(benchmark, environment, settings)) {
            if (rows.stream().anyMatch(r -> r.benchmark.equals(benchmark) && r.metric.equals(studyMetric) && r.setup.equals(setup))) {
                return Optional.of(setup);
            }
        }
        return Optional.empty();
    }

    /** The isobench workload that measures a benchmark of the study (fio is blockio). */
    public static Optional<String> workloadOf(String benchmark) {
        return BENCHMARKS.entrySet().stream().filter(e -> e.getValue().equals(benchmark)).map(Map.Entry::getKey).findFirst();
    }

    /** The study's metric for an isobench figure of a benchmark, or null. */
    String studyMetric(String benchmark, String metric, Map<String, Object> labels, Map<String, Object> params) {
        for (Row r : rows) {
            if (r.benchmark.equals(benchmark) && r.metric.equalsIgnoreCase(metric)) {
                return r.metric; // same name: the workload was built after the study's naming
            }
        }
        String d = describe(metric, labels, params);
        Integer clients = number(labels, params, "clients", "connections", "threads");
        return switch (benchmark) {
            case "linpack" -> has(d, "gflops", "flops") ? "gflops" : null;
            case "stream" -> firstWord(d, "copy", "scale", "add", "triad");
            // the study's single-socket figure is the one comparable with a one-socket run
            case "randomaccess" -> has(d, "gups") ? "gups_one_socket" : null;
            // only the bandwidth figures (not CPU per GB); env_to_host is isobench's server-to-client direction
            case "tcp_stream" -> !has(metric.toLowerCase(Locale.ROOT), "throughput", "bandwidth", "gbit", "send", "receive") ? null
                    : has(d, "server_to_client", "env_to_host", "receive", "reverse", "download") ? "server_to_client"
                    : "client_to_server";
            // the study reports the mean round trip of 100-byte requests and 200-byte responses
            case "tcp_rr", "udp_rr" -> has(d, "p50", "p90", "p99", "p999", "max", "min") ? null
                    : has(d, "latency", "rtt", "round_trip", "mean") ? "latency_100_200B" : null;
            case "fio" -> fioMetric(d);
            // by the metric's own name: the parameters list every command, and get_p50 is a latency
            case "redis" -> metric.equalsIgnoreCase("get") && clients != null
                    ? clients == 1 ? "get_1_client" : clients == 10 ? "get_10_clients" : null : null;
            case "mysql" -> has(metric.toLowerCase(Locale.ROOT), "tps", "transactions", "tx", "oltp", "throughput") && clients != null && clients == 10
                    ? "oltp_ro_10_threads" : null;
            default -> null;
        };
    }

    /** fio's figures by access pattern words: sequential 1 MiB read/write, random 4 KiB read/write/mix, latency percentiles. */
    private static String fioMetric(String d) {
        // fio's own rw= names (read, write, randread, randwrite, randrw) count as words too
        boolean seq = has(d, "seq", "sequential") || (has(d, "read", "write") && !has(d, "rand", "random", "randread", "randwrite"));
        boolean rand = has(d, "rand", "random", "randread", "randwrite");
        boolean mix = has(d, "rw70", "randrw", "mix", "mixed");
        boolean read = has(d, "read", "randread");
        boolean write = has(d, "write", "randwrite");
        if (rand && read && !write && has(d, "p50")) {
            return "rand_read_4k_qd16_p50";
        }
        if (rand && read && !write && has(d, "p99") && !has(d, "p999")) {
            return "rand_read_4k_qd16_p99";
        }
        if (has(d, "p50", "p90", "p99", "p999", "latency")) {
            return null;
        }
        if (mix) {
            return "rand_rw70_4k_qd32x8";
        }
        if (seq && read && !write) {
            return "seq_read_1M";
        }
        if (seq && write && !read) {
            return "seq_write_1M";
        }
        if (rand && read && !write) {
            return "rand_read_4k_qd16x8";
        }
        if (rand && write && !read) {
            return "rand_write_4k_qd16x8";
        }
        return null;
    }

    /** The study's setups for a variant, most specific first. */
    static List<String> setups(String benchmark, String environment, Map<String, String> settings) {
        String network = lower(settings.get("network"));
        String storage = lower(settings.get("storage"));
        String runtime = lower(settings.get("runtime"));
        String tuning = lower(settings.get("tuning"));
        return switch (environment) {
            case "native" -> List.of("native");
            case "docker" -> {
                if (!runtime.isEmpty() && !runtime.equals("runc")) {
                    yield List.of(); // the study ran runc only
                }
                if (network.equals("host")) {
                    yield List.of("docker-host", "docker");
                }
                if (network.equals("nat")) {
                    boolean inContainerFs = storage.equals("container") || storage.startsWith("overlay") || storage.equals("aufs");
                    yield benchmark.equals("mysql") && inContainerFs ? List.of("docker-nat-aufs", "docker-nat", "docker")
                            : List.of("docker-nat", "docker");
                }
                yield List.of("docker");
            }
            case "vm" -> tuning.equals("tuned") ? List.of("kvm-tuned", "kvm") : List.of("kvm-untuned", "kvm");
            default -> List.of();
        };
    }

    private static String describe(String metric, Map<String, Object> labels, Map<String, Object> params) {
        StringBuilder sb = new StringBuilder(metric);
        labels.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        params.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private static Integer number(Map<String, Object> labels, Map<String, Object> params, String... keys) {
        for (String k : keys) {
            Object v = labels.containsKey(k) ? labels.get(k) : params.get(k);
            if (v != null) {
                try {
                    return Integer.parseInt(v.toString().trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Whether a word occurs in the description as a whole token (separated by non-letters/digits). */
    private static boolean has(String d, String... words) {
        for (String w : words) {
            int i = d.indexOf(w);
            while (i >= 0) {
                boolean startOk = i == 0 || !Character.isLetterOrDigit(d.charAt(i - 1));
                int e = i + w.length();
                boolean endOk = e == d.length() || !Character.isLetterOrDigit(d.charAt(e));
                if (startOk && endOk) {
                    return true;
                }
                i = d.indexOf(w, i + 1);
            }
        }
        return false;
    }

    private static String firstWord(String d, String... words) {
        for (String w : words) {
            if (has(d, w)) {
                return w;
            }
        }
        return null;
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
