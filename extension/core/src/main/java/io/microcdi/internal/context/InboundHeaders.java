package io.microcdi.internal.context;

import io.microcdi.metadata.Metadata;


/**
 * Which received headers become a call's or message's metadata (and so travel on downstream): all but the
 * protocol's own. Dropped: {@code Micro-*} and {@code X-Micro-*} (routing, ids, errors, the caller's name),
 * {@code Timeout} (the deadline travels as a deadline), HTTP's entity and hop-by-hop headers, the proxy's
 * credentials ({@code Proxy-Authorization}) and cookies (a browser's session, not the service's metadata).
 *
 * <pre>{@code
 * Metadata md = InboundHeaders.metadata(request.header());   // X-Tenant, Authorization, traceparent ... stay
 * }</pre>
 */
public final class InboundHeaders {

    /** Compared ignoring case, without allocating. */
    private static final String[] PROTOCOL = {"content-type", "content-length", "accept", "accept-encoding",
            "content-encoding", "transfer-encoding", "connection", "keep-alive", "host", "te", "trailer", "upgrade",
            "expect", "user-agent", "proxy-connection", "proxy-authorization", "proxy-authenticate", "cookie",
            "set-cookie", "timeout"};

    private InboundHeaders() {
    }

    /** {@code headers} without the protocol's own; {@link Metadata#empty()} when nothing is left. */
    public static Metadata metadata(Metadata headers) {
        int[] carried = {0};
        headers.forEach((k, v) -> {
            if (!isProtocol(k)) {
                carried[0]++;
            }
        });
        if (carried[0] == 0) {
            return Metadata.empty();
        }
        if (carried[0] == headers.size()) {
            return headers;
        }
        Metadata.Builder b = Metadata.builder(carried[0]);
        headers.forEach((k, v) -> {
            if (!isProtocol(k)) {
                b.put(k, v);
            }
        });
        return b.build();
    }

    /** Whether {@code key} is the protocol's, not the caller's metadata. */
    public static boolean isProtocol(String key) {
        if (key.regionMatches(true, 0, "Micro-", 0, 6) || key.regionMatches(true, 0, "X-Micro-", 0, 8)
                || key.startsWith(":")) {
            return true;
        }
        for (String p : PROTOCOL) {
            if (p.length() == key.length() && p.equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }
}
