package io.microcdi.server.rpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.errors.MicroException;
import io.microcdi.server.EndpointDefinition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One endpoint with its decoder and encoder for every codec, resolved once; a codec that cannot carry the
 * endpoint's types (protobuf and a record, say) has none, and the reason, answered 415.
 */
final class Route {

    private static final Codec.Decoder<Object> NO_ARGUMENT = new Codec.Decoder<>() {
        @Override
        public Object decode(byte[] data) {
            return null;
        }

        @Override
        public Object decode(byte[] data, int offset, int length) {
            return null;
        }
    };

    final String service;
    final String endpoint;
    final String errorId;
    final Codec[] codecs;
    final Codec.Decoder<?>[] decoders;
    final Codec.Encoder[] encoders;
    /** Per codec: why it cannot serve this endpoint, or {@code null}. */
    final String[] unsupported;
    final boolean takesRequest;
    final boolean returnsNothing;
    /** A {@code null} request (a JSON {@code null}) is answered 400 instead of reaching the handler. */
    final boolean refusesNull;
    /** The request type's simple name, for the 400. */
    final String requestName;
    final io.microcdi.server.EndpointInvoker invoker;
    /** Whether, and which side of, the endpoint streams. */
    final EndpointDefinition.Streaming streaming;
    /** The handler never blocks: a call is served on the I/O thread that read it, with no hop to a handler thread. */
    final boolean nonBlocking;

    private static String simpleName(java.lang.reflect.Type t) {
        String n = t instanceof Class<?> c ? c.getSimpleName() : t.getTypeName();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(dot + 1);
    }

    Route(String service, EndpointDefinition e, List<Codec> all) {
        // Go Micro services raise errors under their own name (errors.BadRequest("go.micro.srv.greeter", ...))
        this.errorId = service;
        this.service = service;
        this.endpoint = e.name();
        this.codecs = all.toArray(Codec[]::new);
        this.decoders = new Codec.Decoder<?>[codecs.length];
        this.encoders = new Codec.Encoder[codecs.length];
        this.unsupported = new String[codecs.length];
        this.takesRequest = e.requestType() != null;
        this.refusesNull = takesRequest && !e.nullableRequest();
        this.requestName = takesRequest ? simpleName(e.requestType()) : "";
        this.returnsNothing = e.responseType() == void.class || e.responseType() == Void.class;
        List<String> served = new ArrayList<>();
        for (int i = 0; i < codecs.length; i++) {
            try {
                decoders[i] = takesRequest ? codecs[i].decoder(e.requestType()) : NO_ARGUMENT;
                if (returnsNothing) {
                    // a void endpoint answers an empty message ({} in JSON): Go Micro's codecs fail on an empty body
                    byte[] empty = emptyMessage(codecs[i]);
                    encoders[i] = value -> empty;
                } else {
                    encoders[i] = codecs[i].encoder(e.responseType());
                }
                served.add(codecs[i].contentType());
            } catch (IllegalArgumentException ex) {
                decoders[i] = null;
                encoders[i] = null;
                unsupported[i] = endpoint + ": " + ex.getMessage();
            }
        }
        expected(served);
        this.invoker = e.invoker();
        this.streaming = e.streaming();
        this.nonBlocking = e.nonBlocking();
    }

    /**
     * A built-in endpoint of the server ({@code Debug.Health}): it takes no request (its body is not read) and answers
     * through {@code encoderOf(codec)}, which is {@code null} for a codec it cannot answer in ({@code why} says which
     * it can).
     */
    Route(String endpoint, io.microcdi.server.EndpointInvoker invoker, List<Codec> all,
          Function<Codec, Codec.Encoder> encoderOf, String why) {
        this.errorId = RpcServer.ID;
        this.service = RpcServer.ID;
        this.endpoint = endpoint;
        this.codecs = all.toArray(Codec[]::new);
        this.decoders = new Codec.Decoder<?>[codecs.length];
        this.encoders = new Codec.Encoder[codecs.length];
        this.unsupported = new String[codecs.length];
        this.takesRequest = false;
        this.refusesNull = false;
        this.requestName = "";
        this.returnsNothing = false;
        List<String> served = new ArrayList<>();
        for (int i = 0; i < codecs.length; i++) {
            encoders[i] = encoderOf.apply(codecs[i]);
            if (encoders[i] == null) {
                unsupported[i] = endpoint + ": " + why;
            } else {
                decoders[i] = NO_ARGUMENT;
                served.add(codecs[i].contentType());
            }
        }
        expected(served);
        this.invoker = invoker;
        this.streaming = EndpointDefinition.Streaming.NONE;
        // Debug.Stats reads the JVM's management beans: cheap, but not worth an I/O thread's time
        this.nonBlocking = false;
    }

    private void expected(List<String> served) {
        for (int i = 0; i < codecs.length; i++) {
            if (unsupported[i] != null) {
                unsupported[i] += " (expected: one of " + String.join(", ", served) + ")";
            }
        }
    }

    /** What a codec encodes for "no message": {@code {}} in JSON, no bytes in protobuf and raw bytes. */
    private static byte[] emptyMessage(Codec codec) {
        try {
            return codec.encoder(Map.class).encode(Map.of());
        } catch (IllegalArgumentException | CodecException e) {
            return new byte[0];
        }
    }

    /** The content types a stream of this endpoint can travel in: those that fit its types, without an envelope. */
    List<String> streamTypes() {
        List<String> types = new ArrayList<>();
        for (int i = 0; i < codecs.length; i++) {
            if (unsupported[i] == null && !(codecs[i] instanceof io.microcdi.codec.Envelope)) {
                types.add(codecs[i].contentType());
            }
        }
        return types;
    }

    int codecIndex(Codec codec) {
        for (int i = 0; i < codecs.length; i++) {
            if (codecs[i] == codec) {
                return i;
            }
        }
        throw new IllegalStateException("codec " + codec.name() + " was added after the server started");
    }

    Object invoke(Object argument) {
        try {
            return invoker.invoke(argument);
        } catch (MicroException e) {
            throw e;
        } catch (Throwable t) {
            throw error(t);
        }
    }

    MicroException error(Throwable t) {
        if (t instanceof MicroException me) {
            return me;
        }
        return new MicroException(errorId, 500, RpcServer.describe(t), MicroException.statusText(500), t);
    }

    byte[] encode(int codec, Object value) {
        try {
            return encoders[codec].encode(value);
        } catch (CodecException e) {
            throw new MicroException(errorId, 500, e.getMessage(), MicroException.statusText(500), e);
        }
    }
}
