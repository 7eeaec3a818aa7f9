package io.microcdi.internal.grpc;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.proto.ProtoCodec;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How one message type travels in gRPC's two forms, resolved once per type: protobuf ({@code application/grpc},
 * {@code application/grpc+proto}) and JSON ({@code application/grpc+json}).
 *
 * <pre>{@code
 * Forms hello = Forms.of(HelloRequest.class, schema.message(HelloRequest.class), json, proto);
 * Object req = hello.decode(Forms.PROTO, bytes);
 * }</pre>
 *
 * <p>A generated message is read and written by the protobuf codec, and as JSON with protobuf's own JSON mapping
 * (original field names, as Go Micro's JSON codec writes them). A record is read and written by the JSON codec, and
 * in protobuf form as the message its synthesized descriptor describes, through its JSON (a record has no protobuf
 * code of its own: this keeps one mapping of its fields, Jackson's).
 */
public final class Forms {

    /** Protobuf bytes. */
    public static final int PROTO = 0;
    /** JSON text. */
    public static final int JSON = 1;

    private static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NO_BYTES = new byte[0];
    private static final JsonFormat.Printer COMPACT = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Printer ALL_FIELDS = COMPACT.alwaysPrintFieldsWithNoPresence();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final Codec.Decoder<?>[] decoders = new Codec.Decoder<?>[2];
    private final Codec.Encoder[] encoders = new Codec.Encoder[2];

    private Forms() {
    }

    /** The form of a content type ({@code application/grpc+json}: JSON), or {@code -1} when none. */
    public static int form(String contentType) {
        if (contentType == null) {
            return -1;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        int semi = ct.indexOf(';');
        if (semi >= 0) {
            ct = ct.substring(0, semi).trim();
        }
        return switch (ct) {
            case "application/grpc", "application/grpc+proto", "application/protobuf", "application/proto",
                 "application/octet-stream", "application/x-protobuf" -> PROTO;
            case "application/grpc+json", "application/json" -> JSON;
            default -> -1;
        };
    }

    /** The gRPC content type of a form. */
    public static String contentType(int form) {
        return form == JSON ? "application/grpc+json" : "application/grpc+proto";
    }

    /**
     * The forms of {@code type} ({@code null}: no request; {@code void}: no response), described by
     * {@code descriptor}.
     */
    public static Forms of(Type type, Descriptor descriptor, JsonCodec json, ProtoCodec proto) {
        Forms f = new Forms();
        if (type == null || type == void.class || type == Void.class) {
            f.decoders[PROTO] = data -> null;
            f.decoders[JSON] = data -> null;
            f.encoders[PROTO] = value -> NO_BYTES;
            f.encoders[JSON] = value -> EMPTY_JSON;
        } else if (type instanceof Class<?> c && Message.class.isAssignableFrom(c)) {
            f.decoders[PROTO] = proto.decoder(c);
            f.encoders[PROTO] = proto.encoder(c);
            Message generated = defaultInstance(c);
            f.decoders[JSON] = data -> {
                Message.Builder b = generated.newBuilderForType();
                try {
                    PARSER.merge(new String(data, StandardCharsets.UTF_8), b);
                } catch (InvalidProtocolBufferException | RuntimeException e) {
                    throw new CodecException("json: " + e.getMessage(), e);
                }
                return b.build();
            };
            f.encoders[JSON] = value -> print(COMPACT, (Message) value);
        } else {
            Codec.Decoder<Object> jd = json.decoder(type);
            Codec.Encoder je = json.encoder(type);
            f.decoders[JSON] = jd;
            f.encoders[JSON] = je;
            f.decoders[PROTO] = data -> {
                DynamicMessage m;
                try {
                    m = DynamicMessage.parseFrom(descriptor, data);
                } catch (InvalidProtocolBufferException e) {
                    throw new CodecException("protobuf: " + e.getMessage(), e);
                }
                return jd.decode(print(ALL_FIELDS, m));
            };
            f.encoders[PROTO] = value -> {
                DynamicMessage.Builder b = DynamicMessage.newBuilder(descriptor);
                try {
                    PARSER.merge(new String(je.encode(value), StandardCharsets.UTF_8), b);
                } catch (InvalidProtocolBufferException | RuntimeException e) {
                    throw new CodecException("protobuf: " + descriptor.getFullName() + ": " + e.getMessage(), e);
                }
                return b.build().toByteArray();
            };
        }
        return f;
    }

    /** Decodes {@code data} in {@code form}. */
    public Object decode(int form, byte[] data) {
        return decoders[form].decode(data);
    }

    /** Encodes {@code value} in {@code form}. */
    public byte[] encode(int form, Object value) {
        return encoders[form].encode(value);
    }

    private static byte[] print(JsonFormat.Printer printer, Message m) {
        try {
            return printer.print(m).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new CodecException("json: " + e.getMessage(), e);
        }
    }

    private static Message defaultInstance(Class<?> c) {
        try {
            return (Message) c.getMethod("getDefaultInstance").invoke(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(c.getName() + ": no static getDefaultInstance(), as classes protoc "
                    + "generates for protobuf-java have", e);
        }
    }
}
