package io.microcdi.codec;

import java.lang.reflect.Type;
import java.util.Arrays;

/**
 * Encodes and decodes message bodies of one content type.
 *
 * <pre>{@code
 * Codec.Decoder<HelloRequest> in = json.decoder(HelloRequest.class);   // resolve once
 * HelloRequest req = in.decode(body);                                  // per call
 * }</pre>
 *
 * <p>Decoders and encoders are made once per type and reused by every call: they are thread-safe. A codec that
 * cannot carry a type (protobuf and a class that is not a generated message, raw bytes and a record) says so when
 * the decoder or encoder is made, never per call.
 */
public interface Codec {

    /** The plugin name, for example {@code json}. */
    String name();

    /** The content type this codec reads and writes, for example {@code application/json}. */
    String contentType();

    /**
     * A thread-safe decoder of {@code type}.
     *
     * @throws IllegalArgumentException when this codec cannot carry {@code type}; the message says why
     */
    <T> Decoder<T> decoder(Type type);

    /**
     * A thread-safe encoder of {@code type}.
     *
     * @throws IllegalArgumentException when this codec cannot carry {@code type}; the message says why
     */
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

        /**
         * Decodes {@code length} bytes of {@code data} from {@code offset}: the message inside an envelope. This
         * default copies the slice; codecs that can read in place override it.
         *
         * @throws CodecException when the bytes do not form a value of the type
         */
        default T decode(byte[] data, int offset, int length) {
            return decode(offset == 0 && length == data.length ? data
                    : Arrays.copyOfRange(data, offset, offset + length));
        }
    }

    /** Turns a value into bytes. */
    @FunctionalInterface
    interface Encoder {

        /** Encodes {@code value}. */
        byte[] encode(Object value);
    }
}
