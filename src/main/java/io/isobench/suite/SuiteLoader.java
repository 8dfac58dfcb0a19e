package io.isobench.suite;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.isobench.BadInputException;
import io.isobench.Names;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a suite from YAML: a built-in one by name ({@code quick}, {@code paper}, ...) or a file.
 * Every key is checked; an unknown key or a wrong type is reported with the file, line and column
 * and, where one is close, the key that was probably meant.
 *
 * <pre>
 * name: my-suite
 * baseline: native
 * seed: 42
 * repetition: {warmup: 1, iterations: 5, target: 0.02, max: 20}
 * workloads:
 *   - name: stream
 *     params: {threads: [1, 2]}
 * environments:
 *   - name: native
 *   - name: docker
 *     variants: [{network: host}, {network: nat}]
 * </pre>
 */
public final class SuiteLoader {

    /** The built-in suites, in the jar under io/isobench/suites/. */
    public static final List<String> BUILT_IN = List.of("quick");

    private static final Set<String> TOP = Set.of("name", "description", "baseline", "seed", "repetition", "workloads", "environments");
    private static final Set<String> REPETITION = Set.of("warmup", "iterations", "target", "max");
    private static final Set<String> WORKLOAD = Set.of("name", "params");
    private static final Set<String> ENVIRONMENT = Set.of("name", "variants");

    private SuiteLoader() {
    }

    /** A built-in suite's name or a path to a YAML file. */
    public static Suite load(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            try (InputStream in = SuiteLoader.class.getResourceAsStream("/io/isobench/suites/" + nameOrPath + ".yaml")) {
                if (in != null) {
                    return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "suite '" + nameOrPath + "'");
                }
            } catch (IOException e) {
                throw new IllegalStateException("the built-in suite " + nameOrPath + " cannot be read", e);
            }
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new BadInputException("--suite " + nameOrPath + ": no such built-in suite or file"
                    + Names.suggestion(nameOrPath, BUILT_IN) + "; built-in suites: " + String.join(", ", BUILT_IN)
                    + " (see: isobench list suites)");
        }
        try {
            return parse(Files.readString(p), p.toString());
        } catch (IOException e) {
            throw new BadInputException("--suite " + nameOrPath + ": cannot read the file (" + e.getMessage() + ")");
        }
    }

    /** Parses YAML text; {@code source} names it in messages. */
    public static Suite parse(String yaml, String source) {
        ObjectMapper m = new ObjectMapper(new YAMLFactory());
        JsonNode root;
        try (JsonParser p = m.getFactory().createParser(yaml)) {
            root = m.readTree(p);
        } catch (IOException e) {
            throw new BadInputException(source + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Located doc = new Located(yaml, source);
        if (root == null || !root.isObject()) {
            throw new BadInputException(source + ":1:1: a suite is a YAML mapping with 'workloads' and 'environments'");
        }
        doc.checkKeys(root, TOP, "suite", "");
        String name = text(root, "name", source.replace("suite '", "").replace("'", ""));
        Repetition rep = Repetition.fixed(1, 5);
        JsonNode r = root.get("repetition");
        if (r != null) {
            doc.checkKeys(r, REPETITION, "repetition", "repetition");
            int it = doc.intValue(r, "iterations", 5, "repetition");
            rep = new Repetition(doc.intValue(r, "warmup", 1, "repetition"), it, doc.doubleValue(r, "target", 0, "repetition"),
                    doc.intValue(r, "max", 0, "repetition"));
        }
        List<Suite.WorkloadEntry> workloads = new ArrayList<>();
        JsonNode ws = root.get("workloads");
        if (ws == null || !ws.isArray()) {
            throw new BadInputException(doc.at("workloads") + ": 'workloads' must be a list of {name, params}");
        }
        for (int i = 0; i < ws.size(); i++) {
            JsonNode w = ws.get(i);
            String path = "workloads[" + i + "]";
            if (w.isTextual()) {
                workloads.add(new Suite.WorkloadEntry(w.asText(), Map.of(), doc.at(w.asText())));
                continue;
            }
            doc.checkKeys(w, WORKLOAD, "workload", path);
            String wn = text(w, "name", null);
            if (wn == null) {
                throw new BadInputException(doc.at("workloads") + ": " + path + " needs a 'name'");
            }
            workloads.add(new Suite.WorkloadEntry(wn, toMap(w.get("params")), doc.at("name: " + wn)));
        }
        List<Suite.EnvironmentEntry> envs = new ArrayList<>();
        JsonNode es = root.get("environments");
        if (es == null || !es.isArray()) {
            throw new BadInputException(doc.at("environments") + ": 'environments' must be a list of {name, variants}");
        }
        for (int i = 0; i < es.size(); i++) {
            JsonNode e = es.get(i);
            String path = "environments[" + i + "]";
            if (e.isTextual()) {
                envs.add(new Suite.EnvironmentEntry(e.asText(), List.of(), doc.at(e.asText())));
                continue;
            }
            doc.checkKeys(e, ENVIRONMENT, "environment", path);
            String en = text(e, "name", null);
            if (en == null) {
                throw new BadInputException(doc.at("environments") + ": " + path + " needs a 'name'");
            }
            List<Map<String, Object>> variants = new ArrayList<>();
            JsonNode vs = e.get("variants");
            if (vs != null) {
                if (vs.isObject()) {
                    variants.add(toMap(vs));
                } else {
                    for (JsonNode v : vs) {
                        variants.add(toMap(v));
                    }
                }
            }
            envs.add(new Suite.EnvironmentEntry(en, variants, doc.at("name: " + en)));
        }
        long seed = root.has("seed") ? root.get("seed").asLong() : 1;
        return new Suite(name, text(root, "description", ""), workloads, envs, rep, text(root, "baseline", "native"), seed);
    }

    private static String text(JsonNode n, String key, String def) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? def : v.asText();
    }

    private static Map<String, Object> toMap(JsonNode n) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return m;
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            var e = it.next();
            m.put(e.getKey(), plain(e.getValue()));
        }
        return m;
    }

    private static Object plain(JsonNode v) {
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (v.isNumber()) {
            return v.numberValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return v.asText();
    }

    /** Finds where a key sits in the text, for file:line:column messages. */
    private record Located(String text, String source) {

        String at(String needle) {
            int idx = text.indexOf(needle);
            if (idx < 0) {
                return source;
            }
            int line = 1;
            int col = 1;
            for (int i = 0; i < idx; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            return source + ":" + line + ":" + col;
        }

        void checkKeys(JsonNode node, Set<String> allowed, String what, String path) {
            if (!node.isObject()) {
                throw new BadInputException(source + ": " + (path.isEmpty() ? what : path) + " must be a mapping");
            }
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String k = names.next();
                if (!allowed.contains(k)) {
                    throw new BadInputException(at(k + ":") + ": unknown key '" + k + "' in " + what
                            + Names.suggestion(k, allowed) + "; allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)));
                }
            }
        }

        int intValue(JsonNode n, String key, int def, String path) {
            JsonNode v = n.get(key);
            if (v == null) {
                return def;
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw new BadInputException(at(key + ":") + ": " + path + "." + key + " must be an integer, not '" + v.asText() + "'");
            }
            return v.asInt();
        }

        double doubleValue(JsonNode n, String key, double def, String path) {
            JsonNode v = n.get(key);
            if (v == null) {
                return def;
            }
            if (!v.isNumber()) {
                throw new BadInputException(at(key + ":") + ": " + path + "." + key + " must be a number, not '" + v.asText() + "'");
            }
            return v.asDouble();
        }
    }

    /** The suite in the same shape as its YAML, for run.json; {@link #fromMap} reads it back (resume). */
    public static Map<String, Object> toMap(Suite suite) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", suite.name());
        m.put("description", suite.description());
        m.put("baseline", suite.baseline());
        m.put("seed", suite.seed());
        Repetition r = suite.repetition();
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("warmup", r.warmup());
        rep.put("iterations", r.iterations());
        if (r.adaptive()) {
            rep.put("target", r.target());
            rep.put("max", r.maxIterations());
        }
        m.put("repetition", rep);
        List<Object> ws = new ArrayList<>();
        for (Suite.WorkloadEntry w : suite.workloads()) {
            ws.add(Map.of("name", w.name(), "params", w.params() == null ? Map.of() : w.params()));
        }
        m.put("workloads", ws);
        List<Object> es = new ArrayList<>();
        for (Suite.EnvironmentEntry e : suite.environments()) {
            es.add(Map.of("name", e.name(), "variants", e.variants() == null ? List.of() : e.variants()));
        }
        m.put("environments", es);
        return m;
    }

    public static Suite fromMap(Map<String, Object> map, String source) {
        try {
            return parse(new ObjectMapper(new YAMLFactory()).writeValueAsString(map), source);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(source + ": the recorded suite cannot be read: " + e.getOriginalMessage());
        }
    }
}
