package io.microcdi.internal.context;

import io.microcdi.context.CallContext;
import io.microcdi.metadata.Metadata;

/**
 * What a call or message sent while handling another carries on: the inbound metadata under the sender's own, and
 * the inbound service as {@code Micro-From-Service} (unless the sender sets either), as Go Micro's client and
 * publisher carry their context's.
 *
 * <pre>{@code
 * Metadata sent = OutboundHeaders.metadata(request.metadata(), CallContexts.current());
 * }</pre>
 */
public final class OutboundHeaders {

    private OutboundHeaders() {
    }

    /** {@code own} with what {@code inbound} carries on; {@code own} itself when it carries nothing. */
    public static Metadata metadata(Metadata own, CallContext inbound) {
        Metadata carried = inbound.metadata();
        String from = inbound.service();
        if (carried.isEmpty() && from.isEmpty()) {
            return own;
        }
        Metadata.Builder b = Metadata.builder(carried.size() + own.size() + 2);
        carried.forEach(b::put);
        if (!from.isEmpty()) {
            // both spellings, as every Micro-* header: Go Micro v1 reads X-Micro-From-Service
            b.put("Micro-From-Service", from).put("X-Micro-From-Service", from);
        }
        own.forEach(b::put);
        return b.build();
    }
}
