package io.microcdi.gateway;

import jakarta.ws.rs.core.Response;

/** {@link Reply} as a JAX-RS {@link Response}. */
final class Replies {

    private Replies() {
    }

    static Response toResponse(Reply r) {
        Response.ResponseBuilder b = Response.status(r.status());
        if (r.body().length > 0 || !r.contentType().isEmpty()) {
            b.entity(r.body());
        }
        if (!r.contentType().isEmpty()) {
            b.type(r.contentType());
        }
        r.headers().forEach(b::header);
        return b.build();
    }
}
