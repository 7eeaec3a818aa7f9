package io.microcdi.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Printing results: JSON (records keep their component names, so a registry {@code Service} prints with Go Micro's
 * field names), aligned columns for people, and message bodies as text.
 *
 * <pre>{@code
 * Output.json(out, registry.getService("greeter"));   // [{"name":"greeter","version":"latest",...}]
 * Output.table(out, List.of(new String[] {"NAME", "VERSIONS"}, new String[] {"greeter", "latest"}));
 * }</pre>
 */
final class Output {

    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Output() {
    }

    /** {@code 200ms}, {@code 30s}, {@code 2m}: a duration as the options take it. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** {@code value} as one line of JSON. */
    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    /** Rows in columns two spaces apart, each as wide as its widest cell; the last column is not padded. */
    static void table(PrintWriter out, List<String[]> rows) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(width[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** {@code body} as JSON when it is JSON, otherwise {@code null}. */
    static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * {@code body} for a JSON document: itself when it is JSON, otherwise a string: its text when its content type is
     * text, else its base64.
     */
    static JsonNode jsonOrText(byte[] body, String contentType) {
        JsonNode parsed = parse(body);
        if (parsed != null) {
            return parsed;
        }
        return JSON.getNodeFactory().textNode(isText(contentType) ? new String(body, StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(body));
    }

    /**
     * Writes {@code body}: as text, ending the line unless it already ends with one, when its content type is text
     * (JSON, {@code text/*}); otherwise (protobuf, octet-stream) as one line of base64, which {@code base64 -d} turns
     * back into the bytes.
     */
    static void body(PrintWriter out, byte[] body, String contentType) {
        if (isText(contentType)) {
            String text = new String(body, StandardCharsets.UTF_8);
            out.print(text);
            if (!text.endsWith("\n")) {
                out.println();
            }
        } else {
            out.println(Base64.getEncoder().encodeToString(body));
        }
        out.flush();
    }

    /** Whether {@code contentType} is text: JSON (JSON-RPC too), {@code text/*}, or none given. */
    static boolean isText(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.contains("json") || t.startsWith("text/");
    }
}
