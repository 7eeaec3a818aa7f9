package io.microcdi.registry.gossip;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microcdi.registry.Service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The member metadata of one process: the nodes it registered, as JSON, with a sequence number that orders its
 * versions.
 *
 * <pre>{@code
 * {"v":1,"seq":7,"nodes":[{"name":"greeter","version":"1.0.0","metadata":{},"endpoints":[...],
 *                           "nodes":[{"id":"greeter-5f1c...","address":"127.0.0.1:38211","metadata":{...}}]}]}
 * }</pre>
 *
 * <p>Each entry is a service carrying one node, in the registry's JSON field names; an entry is encoded once, when it
 * is registered, and the whole is concatenated from the entries each time it is published. The sequence number grows
 * with every publication of the process, so that a reader never goes back to an older version it receives late.
 */
final class MemberNodes {

    /** The format this class writes; a reader skips a payload of another. */
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final byte[] TAIL = "]}".getBytes(StandardCharsets.US_ASCII);
    /** {@code {"v":1,"seq":} + 19 digits + {@code ,"nodes":[} + {@code ]}}: the most a payload adds to its entries. */
    private static final int MAX_FRAMING = header(Long.MAX_VALUE).length + TAIL.length;

    /** What a member published: its sequence number and its nodes, one per service entry. */
    record Decoded(long seq, List<Service> nodes) {
    }

    private MemberNodes() {
    }

    /** The JSON of {@code service} carrying exactly one node. */
    static byte[] entry(Service service) {
        try {
            return JSON.writeValueAsBytes(service);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding " + service.name() + ": " + e.getMessage(), e);
        }
    }

    /** The size of a payload holding {@code count} entries of {@code entryBytes} bytes in all, at most. */
    static long size(long entryBytes, int count) {
        return MAX_FRAMING + entryBytes + Math.max(0, count - 1);
    }

    /** The payload of {@code entries}, in their order, as publication {@code seq}. */
    static byte[] encode(long seq, Collection<byte[]> entries) {
        byte[] header = header(seq);
        int size = header.length + TAIL.length + Math.max(0, entries.size() - 1);
        for (byte[] e : entries) {
            size += e.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.writeBytes(header);
        boolean first = true;
        for (byte[] e : entries) {
            if (!first) {
                out.write(',');
            }
            first = false;
            out.writeBytes(e);
        }
        out.writeBytes(TAIL);
        return out.toByteArray();
    }

    /**
     * Reads a payload another member published; an entry that is not a service with one node is skipped.
     *
     * @throws IllegalArgumentException when the payload is not this format
     */
    static Decoded decode(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("v").asInt() != VERSION || !root.path("seq").isIntegralNumber()
                || !root.path("nodes").isArray()) {
            throw new IllegalArgumentException("not version " + VERSION + " member nodes");
        }
        List<Service> nodes = new ArrayList<>(root.path("nodes").size());
        for (JsonNode n : root.path("nodes")) {
            try {
                Service s = JSON.treeToValue(n, Service.class);
                if (s != null && s.nodes().size() == 1) {
                    nodes.add(s);
                }
            } catch (IOException | RuntimeException e) {
                // one bad entry (a newer writer, a bug) must not hide the member's other nodes
            }
        }
        return new Decoded(root.path("seq").asLong(), nodes);
    }

    private static byte[] header(long seq) {
        return ("{\"v\":" + VERSION + ",\"seq\":" + seq + ",\"nodes\":[").getBytes(StandardCharsets.US_ASCII);
    }
}
