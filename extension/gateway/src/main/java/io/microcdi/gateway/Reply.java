package io.microcdi.gateway;

import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import java.util.Map;
import java.util.Objects;

/**
 * What the gateway answers: a status, a content type, extra headers and the body.
 *
 * <pre>{@code
 * Reply.error(MicroException.notFound("go.micro.api", "no route for %s", path))   // 404 with Go Micro's error JSON
 * }</pre>
 *
 * @param status      the HTTP status
 * @param contentType the body's content type ({@code ""}: none, as for a 204)
 * @param headers     further response headers
 * @param body        the body
 */
public record Reply(int status, String contentType, Map<String, String> headers, byte[] body) {

    /** The id of the errors the gateway itself raises, as Go Micro's. */
    public static final String ID = "go.micro.api";

    public Reply {
        Objects.requireNonNull(contentType, "contentType");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** This reply with {@code more} headers as well (CORS, {@code Server-Timing}); itself when there are none. */
    public Reply withHeaders(Map<String, String> more) {
        if (more.isEmpty()) {
            return this;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putAll(more);
        return new Reply(status, contentType, all, body);
    }

    /** A 200 with {@code body}. */
    public static Reply ok(String contentType, byte[] body) {
        return new Reply(200, contentType, Map.of(), body);
    }

    /**
     * Go Micro's error JSON under the status of its code, as Go Micro's gateway answers: an error code that is no HTTP
     * status (0, or outside 400-599) becomes 500.
     */
    public static Reply error(MicroException e) {
        return error(e, Map.of());
    }

    /** {@link #error(MicroException)} with extra headers ({@code Retry-After}, say). */
    public static Reply error(MicroException e, Map<String, String> headers) {
        int status = e.code() >= 400 && e.code() <= 599 ? e.code() : 500;
        return new Reply(status, "application/json", headers, ErrorJson.bytes(e));
    }
}
