package io.microcdi.server.rpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.Codecs;
import io.microcdi.codec.Envelope;
import io.microcdi.metadata.Metadata;

/**
 * How an enveloped request is answered: in {@code envelope}, under the request's {@code contentType}, naming
 * {@code method} (may be {@code null} when the envelope could not be read) and echoing the envelope's {@code id}
 * as sent ({@code idString}: it was a string). With it, when a request comes in Go Micro's legacy envelope form.
 *
 * <pre>{@code
 * Codec wire = Enveloped.legacy(h, endpoint, service) ? Enveloped.legacyCodec(codecs, codec) : codec;
 * byte[] body = enveloped.answer(null, encoded);   // the answer in the request's envelope, its id as sent
 * }</pre>
 */
record Enveloped(Envelope envelope, String contentType, String method, String id, boolean idString) {

    byte[] answer(String error, byte[] message) {
        return envelope.writeResponse(method, id, idString, error, message);
    }

    /**
     * Whether a request is in Go Micro's legacy form (server/rpc_server.go): no {@code Micro-Protocol} or
     * {@code Micro-Topic}, and none of the routing headers or a {@code Micro-Target}.
     */
    static boolean legacy(Metadata h, String endpoint, String service) {
        boolean routed = (endpoint != null && !endpoint.isEmpty()) || (service != null && !service.isEmpty());
        if (routed && ServerCall.header(h, "Micro-Target", "X-Micro-Target") == null) {
            return false; // the usual case: one header lookup more
        }
        return ServerCall.header(h, "Micro-Protocol", "X-Micro-Protocol") == null
                && ServerCall.header(h, "Micro-Topic", "X-Micro-Topic") == null;
    }

    /**
     * The envelope codec a legacy request of {@code codec}'s content type is read with (Go Micro's legacy map:
     * json to jsonrpc, protobuf and octet-stream to protorpc), or {@code codec} itself when there is none.
     */
    static Codec legacyCodec(Codecs codecs, Codec codec) {
        String legacyType = switch (codec.contentType()) {
            case "application/json" -> "application/json-rpc";
            case "application/protobuf", "application/octet-stream" -> "application/proto-rpc";
            default -> null;
        };
        Codec c = legacyType == null ? null : codecs.get(legacyType);
        return c != null ? c : codec;
    }
}
