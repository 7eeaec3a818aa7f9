package io.microcdi.registry.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.codec.GoJson;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.Service;
import io.microcdi.registry.Value;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go Micro's etcd layout (v1.12 {@code registry/etcd}), written and read here only: one key per node,
 * {@code <prefix><service>/<node id>} with every {@code /} in the service name and the node id replaced by
 * {@code -}, holding the service as Go's {@code encoding/json} writes a {@code registry.Service} with that one node.
 *
 * <pre>{@code
 * /micro/registry/greeter/greeter-5f1c...  ->
 * {"name":"greeter","version":"1.0.0","metadata":null,"endpoints":[...],
 *  "nodes":[{"id":"greeter-5f1c...","address":"127.0.0.1:38211","metadata":{"broker":"http",...}}]}
 * }</pre>
 *
 * <p>Fields come in the Go struct's order, map keys sorted, empty maps and lists as {@code null} and strings escaped
 * as Go escapes them, so the value MicroCDI writes for a service is the one Go Micro writes for it.
 */
final class EtcdLayout {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;

    EtcdLayout(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    /** The key of {@code nodeId} of {@code service}. */
    String key(String service, String nodeId) {
        return prefix + clean(service) + "/" + clean(nodeId);
    }

    /** The prefix under which every node of {@code service} lives: {@code <prefix><service>/}. */
    String servicePrefix(String service) {
        return prefix + clean(service) + "/";
    }

    private static String clean(String name) {
        return name.replace('/', '-');
    }

    /** The value of one node: {@code service} carrying {@code node} only. */
    static String encode(Service service, Node node) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"name\":");
        GoJson.quote(sb, service.name());
        sb.append(",\"version\":");
        GoJson.quote(sb, service.version());
        sb.append(",\"metadata\":");
        map(sb, service.metadata());
        sb.append(",\"endpoints\":");
        if (service.endpoints().isEmpty()) {
            sb.append("null");
        } else {
            sb.append('[');
            for (int i = 0; i < service.endpoints().size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                endpoint(sb, service.endpoints().get(i));
            }
            sb.append(']');
        }
        sb.append(",\"nodes\":[{\"id\":");
        GoJson.quote(sb, node.id());
        sb.append(",\"address\":");
        GoJson.quote(sb, node.address());
        sb.append(",\"metadata\":");
        map(sb, node.metadata());
        sb.append("}]}");
        return sb.toString();
    }

    private static void endpoint(StringBuilder sb, Endpoint e) {
        sb.append("{\"name\":");
        GoJson.quote(sb, e.name());
        sb.append(",\"request\":");
        value(sb, e.request());
        sb.append(",\"response\":");
        value(sb, e.response());
        sb.append(",\"metadata\":");
        map(sb, e.metadata());
        sb.append('}');
    }

    private static void value(StringBuilder sb, Value v) {
        if (v == null) {
            sb.append("null");
            return;
        }
        sb.append("{\"name\":");
        GoJson.quote(sb, v.name());
        sb.append(",\"type\":");
        GoJson.quote(sb, v.type());
        sb.append(",\"values\":");
        if (v.values().isEmpty()) {
            sb.append("null");
        } else {
            sb.append('[');
            for (int i = 0; i < v.values().size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                value(sb, v.values().get(i));
            }
            sb.append(']');
        }
        sb.append('}');
    }

    /** Go writes a map with its keys sorted (by bytes: UTF-16 order agrees for the keys seen in practice). */
    private static void map(StringBuilder sb, Map<String, String> m) {
        if (m.isEmpty()) {
            sb.append("null");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            GoJson.quote(sb, e.getKey());
            sb.append(':');
            GoJson.quote(sb, e.getValue());
        }
        sb.append('}');
    }

    /**
     * A value read back, as lenient as Go's decoder (missing fields and {@code null}s are empty); {@code null} when it
     * is not a service with a name, so that a foreign or broken key is skipped, as Go Micro skips it.
     */
    static Service decode(byte[] value) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (java.io.IOException e) {
            return null;
        }
        if (root == null || !root.isObject() || !root.path("name").isTextual()) {
            return null;
        }
        List<Node> nodes = new ArrayList<>();
        for (JsonNode n : root.path("nodes")) {
            if (n.path("id").isTextual()) {
                nodes.add(new Node(n.get("id").asText(), n.path("address").asText(""), map(n.get("metadata"))));
            }
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (JsonNode e : root.path("endpoints")) {
            if (e.path("name").isTextual()) {
                endpoints.add(new Endpoint(e.get("name").asText(), value(e.get("request")), value(e.get("response")),
                        map(e.get("metadata"))));
            }
        }
        return new Service(root.get("name").asText(), root.path("version").asText(""), map(root.get("metadata")),
                endpoints, nodes);
    }

    /** {@link #decode(byte[])} of a string (tests). */
    static Service decode(String value) {
        return decode(value.getBytes(StandardCharsets.UTF_8));
    }

    private static Value value(JsonNode v) {
        if (v == null || !v.isObject()) {
            return null;
        }
        List<Value> values = new ArrayList<>();
        for (JsonNode child : v.path("values")) {
            Value c = value(child);
            if (c != null) {
                values.add(c);
            }
        }
        return new Value(v.path("name").asText(""), v.path("type").asText(""), values);
    }

    private static Map<String, String> map(JsonNode m) {
        if (m == null || !m.isObject() || m.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            if (!e.getValue().isNull()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        }
        return out;
    }

    /** For messages: a value that failed to decode, cut short. */
    static String excerpt(byte[] value) {
        String s = new String(value, 0, Math.min(value.length, 120), StandardCharsets.UTF_8);
        return value.length > 120 ? s + "..." : s;
    }
}
