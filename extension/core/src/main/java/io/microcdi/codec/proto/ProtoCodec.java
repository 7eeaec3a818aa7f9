package io.microcdi.codec.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;

/**
 * {@code application/protobuf}: plain protobuf bodies of protobuf-java generated messages. Each message class's
 * parser is found once, when the decoder is made, through its static {@code parser()}; a call only parses.
 *
 * <pre>{@code
 * Codec.Decoder<HelloRequest> d = new ProtoCodec().decoder(HelloRequest.class);   // HelloRequest.parser(), once
 * HelloRequest req = d.decode(body);
 * }</pre>
 *
 * <p>A type that is not a generated message fails when its decoder or encoder is made, naming the type. An empty
 * body is the message with every field unset, as in Go.
 */
public final class ProtoCodec implements Codec {

    /** The content type. */
    public static final String CONTENT_TYPE = "application/protobuf";

    private static final MethodType PARSER = MethodType.methodType(Parser.class);

    @Override
    public String name() {
        return "proto";
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public <T> Decoder<T> decoder(Type type) {
        Class<?> c = messageClass(type, true);
        @SuppressWarnings("unchecked")
        Parser<T> parser = (Parser<T>) parser(c);
        String name = c.getSimpleName();
        return new Decoder<>() {
            @Override
            public T decode(byte[] data) {
                return decode(data, 0, data.length);
            }

            @Override
            public T decode(byte[] data, int offset, int length) {
                try {
                    return parser.parseFrom(data, offset, length);
                } catch (InvalidProtocolBufferException e) {
                    throw new CodecException("proto: cannot read " + name + ": " + e.getMessage(), e);
                }
            }
        };
    }

    @Override
    public Encoder encoder(Type type) {
        Class<?> c = type == null || type == Object.class ? MessageLite.class : messageClass(type, false);
        return value -> {
            if (!(value instanceof MessageLite m)) {
                throw new CodecException("proto: cannot encode " + value.getClass().getName()
                        + " (expected: a protobuf-java generated message, as " + c.getName() + ")", null);
            }
            return m.toByteArray();
        };
    }

    /** {@code type} as a generated message class, or why it is none. */
    private static Class<?> messageClass(Type type, boolean concrete) {
        if (!(type instanceof Class<?> c) || !MessageLite.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(CONTENT_TYPE + " cannot carry " + (type == null ? "null"
                    : type.getTypeName()) + ": not a protobuf message (a class protoc generates for protobuf-java)");
        }
        if (concrete && (c.isInterface() || Modifier.isAbstract(c.getModifiers()))) {
            throw new IllegalArgumentException(CONTENT_TYPE + " cannot decode " + c.getName()
                    + ": an interface or abstract class, not a generated message class");
        }
        return c;
    }

    /** The generated class's parser, through its static {@code parser()} (made once, per message type). */
    private static Parser<?> parser(Class<?> c) {
        try {
            MethodHandle h = MethodHandles.publicLookup().findStatic(c, "parser", PARSER);
            return (Parser<?>) h.invoke();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException(CONTENT_TYPE + " cannot decode " + c.getName()
                    + ": no public static parser(), as classes protoc generates for protobuf-java have", e);
        } catch (Throwable t) {
            throw new IllegalArgumentException(CONTENT_TYPE + " cannot decode " + c.getName() + ": its parser() "
                    + "failed: " + t, t);
        }
    }
}
