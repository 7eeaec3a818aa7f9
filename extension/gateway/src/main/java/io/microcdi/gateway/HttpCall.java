package io.microcdi.gateway;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as the gateway sees it, whatever the server (a JAX-RS runtime, the JDK's).
 *
 * <pre>{@code
 * new HttpCall("POST", "/greeter/hello", "", Map.of("Content-Type", List.of("application/json")), body)
 * }</pre>
 *
 * @param method  the HTTP method, upper case
 * @param path    the path below the gateway's root, starting with {@code /}
 * @param query   the raw query string without {@code ?} ({@code ""}: none)
 * @param headers the request headers, each with its values
 * @param body    the request body (empty for none)
 */
public record HttpCall(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

    public HttpCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = query == null ? "" : query;
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /** The first value of header {@code name} (case ignored), or {@code null}. */
    public String header(String name) {
        return header(headers, name);
    }

    /** The first value of header {@code name} in {@code headers} (case ignored), or {@code null}. */
    static String header(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        if (values == null) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    values = e.getValue();
                    break;
                }
            }
        }
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The media type of the body without parameters, lower case; {@code ""} when none was sent. */
    public String mediaType() {
        String ct = header("Content-Type");
        if (ct == null) {
            return "";
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }
}
