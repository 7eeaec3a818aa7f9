package io.microcdi.codec.bytes;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;

/**
 * {@code application/octet-stream}: the body is the message, untouched, for endpoints that take or return
 * {@code byte[]} or {@link ByteBuffer} (Go Micro's {@code bytes} codec).
 *
 * <pre>{@code
 * public byte[] thumbnail(byte[] image) { ... }   // curl --data-binary @cat.png -H 'Content-Type: application/octet-stream' ...
 * }</pre>
 *
 * <p>A {@code byte[]} is handed over as is (the body array when it is all message); a {@code ByteBuffer} is a view
 * of the body. Any other type fails when its decoder or encoder is made.
 */
public final class BytesCodec implements Codec {

    /** The content type. */
    public static final String CONTENT_TYPE = "application/octet-stream";

    @Override
    public String name() {
        return "bytes";
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Decoder<T> decoder(Type type) {
        if (type == byte[].class) {
            return (Decoder<T>) new Decoder<byte[]>() {
                @Override
                public byte[] decode(byte[] data) {
                    return data;
                }

                @Override
                public byte[] decode(byte[] data, int offset, int length) {
                    return offset == 0 && length == data.length ? data
                            : java.util.Arrays.copyOfRange(data, offset, offset + length);
                }
            };
        }
        if (type == ByteBuffer.class) {
            return (Decoder<T>) new Decoder<ByteBuffer>() {
                @Override
                public ByteBuffer decode(byte[] data) {
                    return ByteBuffer.wrap(data);
                }

                @Override
                public ByteBuffer decode(byte[] data, int offset, int length) {
                    return ByteBuffer.wrap(data, offset, length).slice();
                }
            };
        }
        throw unsupported(type);
    }

    @Override
    public Encoder encoder(Type type) {
        if (type != byte[].class && type != ByteBuffer.class && type != null && type != Object.class) {
            throw unsupported(type);
        }
        return BytesCodec::bytes;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer buffer) {
            if (buffer.hasArray() && buffer.arrayOffset() + buffer.position() == 0
                    && buffer.remaining() == buffer.array().length) {
                return buffer.array();
            }
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        throw new CodecException("bytes: cannot encode " + value.getClass().getName()
                + " (expected: byte[] or ByteBuffer)", null);
    }

    private static IllegalArgumentException unsupported(Type type) {
        return new IllegalArgumentException(CONTENT_TYPE + " cannot carry " + (type == null ? "null"
                : type.getTypeName()) + ": raw bytes are byte[] or java.nio.ByteBuffer");
    }
}
