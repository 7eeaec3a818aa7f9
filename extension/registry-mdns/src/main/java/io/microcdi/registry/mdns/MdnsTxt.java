package io.microcdi.registry.mdns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.microcdi.registry.Endpoint;
import io.microcdi.registry.Node;
import io.microcdi.registry.RegistryException;
import io.microcdi.registry.Service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The TXT record of one node: the layout documented on {@link MdnsRegistry}, written and read here only.
 *
 * <pre>{@code
 * MdnsTxt.Encoded e = MdnsTxt.encode(service, node, 60, heartbeat);
 * MdnsTxt.Advert a = MdnsTxt.decode(e.instance(), e.text(), null);   // a.service() equals e.advertised()
 * }</pre>
 */
final class MdnsTxt {

    /** The layout version, {@code txtvers=1}; a record with another version is not ours to read. */
    static final String VERSION = "1";

    /** A TXT string is length-prefixed by one byte. */
    static final int MAX_ENTRY_BYTES = 255;

    /**
     * RFC 6763 section 6.2 advises against more; jmdns also drops any record that does not fit its 1460-byte
     * packet, which silently hides the node (measured: 1246 bytes pass, 1452 do not).
     */
    static final int MAX_TEXT_BYTES = 1300;

    /** Endpoint JSON goes out in chunks of this many bytes: well inside one TXT string, easy to read in a browser. */
    static final int CHUNK_BYTES = 200;

    /** A DNS label holds 63 bytes. */
    static final int MAX_LABEL_BYTES = 63;

    private static final String METADATA_PREFIX = "md.";
    private static final String ENDPOINTS_PREFIX = "ep.";
    private static final String COMPRESSED_ENDPOINTS_PREFIX = "epz.";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII) // ASCII JSON: a chunk boundary never splits a character
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer peers may add fields
            .build();
    private static final TypeReference<List<Endpoint>> ENDPOINTS = new TypeReference<>() {
    };
    private static final ObjectWriter WRITER = JSON.writerFor(ENDPOINTS);
    private static final ObjectReader READER = JSON.readerFor(ENDPOINTS);

    private MdnsTxt() {
    }

    /** How the endpoints travel. */
    enum EndpointForm { NONE, PLAIN, COMPRESSED, OMITTED }

    /**
     * A node ready to publish.
     *
     * @param instance   the DNS-SD instance name
     * @param port       the SRV port
     * @param text       the TXT record data
     * @param advertised what a browser decodes from it (service metadata is not carried)
     * @param form       how the endpoints were carried
     */
    record Encoded(String instance, int port, byte[] text, Service advertised, EndpointForm form) {
    }

    /**
     * A node as read from the network.
     *
     * @param service   the service with exactly this node
     * @param ttl       how long the node lives without a heartbeat; zero: until it says goodbye
     * @param heartbeat the advertiser's heartbeat counter, larger on every re-registration
     */
    record Advert(Service service, Duration ttl, long heartbeat) {

        Node node() {
            return service.nodes().get(0);
        }
    }

    /**
     * The TXT record of {@code node} of {@code service}.
     *
     * @throws RegistryException when the address has no port or the record cannot fit even without endpoints
     */
    static Encoded encode(Service service, Node node, long ttlSeconds, long heartbeat) {
        int port = port(node);
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("txtvers", VERSION);
        entries.put("id", node.id());
        entries.put("service", service.name());
        entries.put("version", service.version());
        entries.put("ttl", Long.toString(ttlSeconds));
        entries.put("addr", node.address());
        entries.put("hb", Long.toString(heartbeat));
        // Sorted, so that the same metadata always makes the same record.
        for (Map.Entry<String, String> md : new TreeMap<>(node.metadata()).entrySet()) {
            if (md.getKey().indexOf('=') >= 0) {
                throw new RegistryException("mdns: node " + node.id() + ": metadata key '" + md.getKey()
                        + "' contains '=', which a TXT record cannot carry");
            }
            entries.put(METADATA_PREFIX + md.getKey(), md.getValue());
        }
        int base = size(entries, node);
        if (base > MAX_TEXT_BYTES) {
            throw new RegistryException("mdns: node " + node.id() + " needs " + base
                    + " bytes of TXT record before its endpoints; at most " + MAX_TEXT_BYTES
                    + " fit in one mDNS packet: shorten its metadata");
        }
        EndpointForm form = EndpointForm.NONE;
        List<Endpoint> advertisedEndpoints = List.of();
        if (!service.endpoints().isEmpty()) {
            String json = json(service.endpoints());
            List<String> plain = chunks(json);
            List<String> compressed = null;
            if (base + chunkSize(ENDPOINTS_PREFIX, plain) <= MAX_TEXT_BYTES) {
                form = EndpointForm.PLAIN;
                addChunks(entries, ENDPOINTS_PREFIX, plain);
            } else if (base + chunkSize(COMPRESSED_ENDPOINTS_PREFIX, compressed = chunks(deflate(json)))
                    <= MAX_TEXT_BYTES) {
                form = EndpointForm.COMPRESSED;
                addChunks(entries, COMPRESSED_ENDPOINTS_PREFIX, compressed);
            } else {
                form = EndpointForm.OMITTED;
            }
            if (form != EndpointForm.OMITTED) {
                advertisedEndpoints = service.endpoints();
            }
        }
        byte[] text = text(entries, node);
        Service advertised = new Service(service.name(), service.version(), Map.of(), advertisedEndpoints,
                List.of(node));
        return new Encoded(instanceName(node.id()), port, text, advertised, form);
    }

    /**
     * Reads a node's TXT record; {@code null} when it is not a complete record of this layout (jmdns reports a
     * node once before its TXT arrives).
     *
     * @param instance        the DNS-SD instance name, the node id when the record has no {@code id}
     * @param fallbackAddress {@code host:port} from the SRV and A records, used when the record has no {@code addr}
     */
    static Advert decode(String instance, byte[] text, String fallbackAddress) {
        Map<String, String> entries = parse(text);
        String service = entries.get("service");
        if (!VERSION.equals(entries.get("txtvers")) || service == null || service.isEmpty()) {
            return null;
        }
        String address = entries.getOrDefault("addr", fallbackAddress);
        if (address == null || address.isEmpty()) {
            return null;
        }
        String id = entries.getOrDefault("id", instance);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (e.getKey().startsWith(METADATA_PREFIX)) {
                metadata.put(e.getKey().substring(METADATA_PREFIX.length()), e.getValue());
            }
        }
        List<Endpoint> endpoints = endpoints(entries);
        Node node = new Node(id, address, metadata);
        Service s = new Service(service, entries.getOrDefault("version", ""), Map.of(), endpoints, List.of(node));
        return new Advert(s, Duration.ofSeconds(number(entries.get("ttl"))), number(entries.get("hb")));
    }

    /**
     * The instance name for a node id: the id itself, with dots made dashes (jmdns would write them as label breaks)
     * and cut from the front to one 63-byte label (the uuid that makes it unique is at the end).
     */
    static String instanceName(String nodeId) {
        String name = nodeId.replace('.', '-');
        while (name.getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
            name = name.substring(name.offsetByCodePoints(0, 1));
        }
        return name.isEmpty() ? "node" : name;
    }

    /** The TXT entries in order, the first of a repeated key winning (RFC 6763 section 6.4). */
    static Map<String, String> parse(byte[] text) {
        Map<String, String> entries = new LinkedHashMap<>();
        int i = 0;
        while (text != null && i < text.length) {
            int len = text[i++] & 0xff;
            if (i + len > text.length) {
                break; // truncated: keep what was whole
            }
            String entry = new String(text, i, len, StandardCharsets.UTF_8);
            i += len;
            int eq = entry.indexOf('=');
            if (eq > 0) {
                entries.putIfAbsent(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return entries;
    }

    private static int port(Node node) {
        String address = node.address();
        int colon = address.lastIndexOf(':');
        if (colon > 0 && colon > address.lastIndexOf(']')) {
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new RegistryException("mdns: node " + node.id() + ": address " + address + " (expected: host:port)");
    }

    private static List<Endpoint> endpoints(Map<String, String> entries) {
        String json;
        if (entries.containsKey(ENDPOINTS_PREFIX + 0)) {
            json = joined(entries, ENDPOINTS_PREFIX);
        } else if (entries.containsKey(COMPRESSED_ENDPOINTS_PREFIX + 0)) {
            json = inflate(joined(entries, COMPRESSED_ENDPOINTS_PREFIX));
        } else {
            return List.of();
        }
        if (json == null) {
            return List.of();
        }
        try {
            List<Endpoint> endpoints = READER.readValue(json);
            return endpoints == null ? List.of() : List.copyOf(endpoints);
        } catch (IOException | RuntimeException e) {
            return List.of(); // a peer's broken endpoint list must not hide its node
        }
    }

    private static String joined(Map<String, String> entries, String prefix) {
        StringBuilder sb = new StringBuilder();
        for (int n = 0; ; n++) {
            String chunk = entries.get(prefix + n);
            if (chunk == null) {
                return sb.toString();
            }
            sb.append(chunk);
        }
    }

    private static String json(List<Endpoint> endpoints) {
        try {
            return WRITER.writeValueAsString(endpoints);
        } catch (JsonProcessingException e) {
            throw new RegistryException("mdns: cannot write endpoints as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> chunks(String ascii) {
        List<String> chunks = new ArrayList<>(ascii.length() / CHUNK_BYTES + 1);
        for (int i = 0; i < ascii.length(); i += CHUNK_BYTES) {
            chunks.add(ascii.substring(i, Math.min(ascii.length(), i + CHUNK_BYTES)));
        }
        return chunks;
    }

    private static int chunkSize(String prefix, List<String> chunks) {
        int size = 0;
        for (int i = 0; i < chunks.size(); i++) {
            size += 1 + prefix.length() + Integer.toString(i).length() + 1 + chunks.get(i).length();
        }
        return size;
    }

    private static void addChunks(Map<String, String> entries, String prefix, List<String> chunks) {
        for (int i = 0; i < chunks.size(); i++) {
            entries.put(prefix + i, chunks.get(i));
        }
    }

    /** zlib, then base64: what does not fit as plain JSON usually fits a third of the size. */
    private static String deflate(String json) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try {
            deflater.setInput(json.getBytes(StandardCharsets.US_ASCII));
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(json.length() / 2 + 16);
            byte[] buf = new byte[1024];
            while (!deflater.finished()) {
                out.write(buf, 0, deflater.deflate(buf));
            }
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    private static String inflate(String base64) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(Base64.getDecoder().decode(base64));
            ByteArrayOutputStream out = new ByteArrayOutputStream(base64.length() * 3);
            byte[] buf = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buf);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null; // truncated
                }
                out.write(buf, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException | IllegalArgumentException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    private static int size(Map<String, String> entries, Node node) {
        int size = 0;
        for (Map.Entry<String, String> e : entries.entrySet()) {
            size += 1 + entryBytes(e, node).length;
        }
        return size;
    }

    private static byte[] text(Map<String, String> entries, Node node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(MAX_TEXT_BYTES);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            byte[] bytes = entryBytes(e, node);
            out.write(bytes.length);
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    private static byte[] entryBytes(Map.Entry<String, String> e, Node node) {
        byte[] bytes = (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_ENTRY_BYTES) {
            throw new RegistryException("mdns: node " + node.id() + ": TXT entry " + e.getKey() + " is "
                    + bytes.length + " bytes; one entry holds at most " + MAX_ENTRY_BYTES);
        }
        return bytes;
    }

    private static long number(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
