package io.microcdi.client.rpc;

import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import io.microcdi.errors.ErrorJson;
import io.microcdi.errors.MicroException;
import io.microcdi.metadata.Metadata;
import io.microcdi.selector.SelectOptions;
import io.microcdi.transport.Message;

import static io.microcdi.client.rpc.RpcClient.ID;

/**
 * What is the same for every call of one endpoint: the headers (Go Micro sends both spellings and
 * {@code Accept} = {@code Content-Type}) and the endpoint filter; it writes each attempt's message from them and
 * reads the node's answer.
 *
 * <pre>{@code
 * EndpointTemplate endpoint = calls.endpoint(request);               // built at the endpoint's first call
 * Message attempt = endpoint.message(request, id, budgetNanos);      // copies the headers, adds Micro-Id and Timeout
 * }</pre>
 */
final class EndpointTemplate {
    final String contentType;
    final Metadata headers;
    final SelectOptions select;
    /** The envelope requests of this content type travel in, or {@code null}. */
    final Envelope envelope;
    /** The protocol calls prefer for nodes that speak several. */
    final String protocol;

    EndpointTemplate(Request r, SelectOptions serviceSelect, Envelope envelope) {
        this(r, serviceSelect, envelope, ClientProtocols.MUCP);
    }

    EndpointTemplate(Request r, SelectOptions serviceSelect, Envelope envelope, String protocol) {
        this.protocol = protocol;
        this.contentType = r.contentType();
        this.envelope = envelope;
        this.headers = Metadata.builder(8)
                .put("Content-Type", r.contentType())
                .put("Accept", r.contentType())
                .put("Micro-Service", r.service())
                .put("Micro-Endpoint", r.endpoint())
                .put("Micro-Method", r.endpoint())
                .put("X-Micro-Service", r.service())
                .put("X-Micro-Endpoint", r.endpoint())
                .put("X-Micro-Method", r.endpoint())
                .build();
        this.select = serviceSelect.withEndpoint(r.endpoint());
    }

    /** The message of one attempt: its own {@code Micro-Id} (as Go Micro: one per attempt) and budget. */
    Message message(Request request, String id, long budgetNanos) {
        byte[] body = envelope == null ? request.body()
                : envelope.writeRequest(request.endpoint(), id, request.body());
        return new Message(headers(request, id, budgetNanos), body);
    }

    private Metadata headers(Request r, String id, long remainingNanos) {
        Metadata template = headers;
        Metadata.Builder b;
        if (r.metadata().isEmpty()) {
            b = template.toBuilder(3);
        } else {
            // the caller's metadata first, so the protocol's own headers win over a clash
            b = Metadata.builder(r.metadata().size() + template.size() + 3);
            r.metadata().forEach(b::put);
            template.forEach(b::put);
        }
        return b.put("Micro-Id", id).put("X-Micro-Id", id).put("Timeout", Long.toString(remainingNanos)).build();
    }

    /**
     * The node's answer, unwrapped from the endpoint's envelope if it has one.
     *
     * @throws MicroException the error the node answered with, in {@code Micro-Error} or the envelope
     */
    Response answer(Message response) {
        MicroException sent = sentError(response);
        if (sent != null) {
            throw sent;
        }
        if (envelope == null) {
            return new Response(response.header(), response.body());
        }
        Envelope.Frame frame;
        try {
            frame = envelope.readResponse(response.body());
        } catch (CodecException e) {
            throw new MicroException(ID, 500, "the answer is not a " + contentType + " envelope: "
                    + e.getMessage(), MicroException.statusText(500), e);
        }
        if (frame.error() != null) {
            throw ErrorJson.parse(frame.error()); // Go Micro's errors.Parse: its JSON, or any text as the detail
        }
        return new Response(response.header(), frame.message());
    }

    /** The error a node answered with ({@code Micro-Error}), or {@code null}. */
    private static MicroException sentError(Message response) {
        String microError = response.header().get("Micro-Error");
        if (microError == null) {
            microError = response.header().get("X-Micro-Error");
        }
        return microError == null ? null : ErrorJson.parse(microError);
    }
}
