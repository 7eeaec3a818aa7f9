package io.microcdi.codec;

import java.lang.reflect.Type;

/**
 * Encodes and decodes message bodies of one content type.
 *
 * <pre>{@code
 * Codec.Decoder<HelloRequest> in = json.decoder(HelloRequest.class);   // resolve once
 * HelloRequest req = in.decode(body);                                  // per call
 * }</pre>
 *
 * <p>Decoders and encoders are made once per type and reused by every call: they are thread-safe.
 */
public interface Codec {

    /** The plugin name, for example {@code json}. */
    String name();

    /** The content type this codec reads and writes, for example {@code application/json}. */
    String contentType();

    /** A thread-safe decoder of {@code type}. */
    <T> Decoder<T> decoder(Type type);

    /** A thread-safe encoder of {@code type}. */
    Encoder encoder(Type type);

    /** Turns bytes into a value. */
    @FunctionalInterface
    interface Decoder<T> {

        /**
         * Decodes {@code data}; an empty body gives the type's empty value where it has one.
         *
         * @throws CodecException when the bytes do not form a value of the type; the message names the problem
         */
        T decode(byte[] data);
    }

    /** Turns a value into bytes. */
    @FunctionalInterface
    interface Encoder {

        /** Encodes {@code value}. */
        byte[] encode(Object value);
    }
}
