package io.isobench.suite;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.isobench.BadInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YAML read into a small tree that remembers where every key and value stands, so a suite's
 * errors can say {@code file:line:column}. Jackson's own tree forgets locations; its streaming
 * parser knows them.
 */
final class LocatedYaml {

    /** A node and where it starts. */
    sealed interface Node permits Scalar, Seq, Mapping {
        String at();
    }

    record Scalar(Object value, String at) implements Node {
        String text() {
            return value == null ? "" : String.valueOf(value);
        }
    }

    record Seq(List<Node> items, String at) implements Node {
    }

    /** A key of a mapping, its place, and its value. */
    record Entry(String key, String keyAt, Node value) {
    }

    record Mapping(Map<String, Entry> entries, String at) implements Node {
        Node get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        String keyAt(String key) {
            Entry e = entries.get(key);
            return e == null ? at : e.keyAt();
        }
    }

    private LocatedYaml() {
    }

    static Node parse(String yaml, String source) {
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new Mapping(new LinkedHashMap<>(), source + ":1:1");
            }
            return read(p, source);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            String at = source;
            if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
                at = where(source, jpe.getLocation());
            }
            throw new BadInputException(at + ": not valid YAML: " + msg);
        }
    }

    private static Node read(JsonParser p, String source) throws IOException {
        String at = where(source, p.currentTokenLocation());
        switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Entry> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String keyAt = where(source, p.currentTokenLocation());
                    p.nextToken();
                    Node v = read(p, source);
                    if (m.containsKey(key)) {
                        throw new BadInputException(keyAt + ": key '" + key + "' appears twice (first at " + m.get(key).keyAt()
                                + "): keep one");
                    }
                    m.put(key, new Entry(key, keyAt, v));
                }
                return new Mapping(m, at);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p, source));
                }
                return new Seq(items, at);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new Scalar(p.getNumberValue(), at);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new Scalar(p.getBooleanValue(), at);
            }
            case VALUE_NULL -> {
                return new Scalar(null, at);
            }
            default -> {
                return new Scalar(p.getText(), at);
            }
        }
    }

    private static String where(String source, JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return source;
        }
        return source + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
    }

    /** The plain Java value of a node: String, Number, Boolean, List or Map (locations dropped). */
    static Object plain(Node n) {
        if (n instanceof Scalar s) {
            return s.value();
        }
        if (n instanceof Seq q) {
            List<Object> l = new ArrayList<>();
            q.items().forEach(x -> l.add(plain(x)));
            return l;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        ((Mapping) n).entries().forEach((k, e) -> m.put(k, plain(e.value())));
        return m;
    }
}
