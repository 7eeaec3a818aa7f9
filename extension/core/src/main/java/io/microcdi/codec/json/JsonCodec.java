package io.microcdi.codec.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;

import java.io.IOException;
import java.lang.reflect.Type;

/**
 * {@code application/json} bodies through Jackson; readers and writers are resolved once per type.
 *
 * <pre>{@code
 * Codec.Decoder<HelloRequest> d = new JsonCodec().decoder(HelloRequest.class);
 * d.decode("{\"name\":\"John\"}".getBytes(UTF_8));
 * }</pre>
 *
 * <p>Like Go's {@code encoding/json}: unknown fields are ignored and an empty body decodes to an empty value
 * ({@code {}} for objects), so {@code curl -d ''} reaches the handler with an empty request.
 */
public final class JsonCodec implements Codec {

    /** The content type. */
    public static final String CONTENT_TYPE = "application/json";

    private static final byte[] EMPTY_OBJECT = {'{', '}'};

    private final ObjectMapper mapper;

    /** A codec with MicroCDI's defaults. */
    public JsonCodec() {
        this(new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
                .findAndRegisterModules());
    }

    /** A codec over the caller's mapper (its configuration is used as is). */
    public JsonCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public <T> Decoder<T> decoder(Type type) {
        refuseProtobuf(type);
        JavaType javaType = mapper.constructType(type);
        ObjectReader reader = mapper.readerFor(javaType);
        boolean structured = !javaType.isPrimitive() && !javaType.isEnumType()
                && !javaType.isTypeOrSubTypeOf(CharSequence.class) && !javaType.isTypeOrSubTypeOf(Number.class)
                && !javaType.isTypeOrSubTypeOf(Boolean.class) && !javaType.isContainerType();
        return new Decoder<>() {
            @Override
            public T decode(byte[] data) {
                return decode(data, 0, data.length);
            }

            @Override
            public T decode(byte[] data, int offset, int length) {
                if (length == 0) {
                    return structured ? read(EMPTY_OBJECT, 0, EMPTY_OBJECT.length) : null;
                }
                return read(data, offset, length);
            }

            private T read(byte[] data, int offset, int length) {
                try {
                    return reader.readValue(data, offset, length);
                } catch (IOException e) {
                    throw new CodecException(describe(e), e);
                }
            }
        };
    }

    @Override
    public Encoder encoder(Type type) {
        refuseProtobuf(type);
        ObjectWriter writer = type == null || type == Object.class
                ? mapper.writer()
                : mapper.writerFor(mapper.constructType(type));
        return value -> {
            try {
                return writer.writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new CodecException("json: cannot encode " + value.getClass().getName() + ": "
                        + e.getOriginalMessage(), e);
            }
        };
    }

    /**
     * A protobuf-java generated message is no plain Java bean: Jackson would fail on every call (or write its
     * internals). Refused when the decoder or encoder is made, so the server answers such a call 415 listing
     * {@code application/protobuf}, and a client of it fails when it is made.
     */
    private static void refuseProtobuf(Type type) {
        Class<?> raw = type instanceof Class<?> c ? c
                : type instanceof java.lang.reflect.ParameterizedType p && p.getRawType() instanceof Class<?> c ? c
                : null;
        for (Class<?> k = raw; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (i.getName().equals("com.google.protobuf.MessageLite")
                        || i.getName().equals("com.google.protobuf.Message")
                        || i.getName().equals("com.google.protobuf.MessageLiteOrBuilder")) {
                    throw new IllegalArgumentException(CONTENT_TYPE + " cannot carry " + raw.getName()
                            + ", a protobuf message (expected: application/protobuf or application/proto-rpc)");
                }
            }
        }
    }

    /** One line naming the problem, the field and the position, without Jackson's source dump. */
    static String describe(IOException e) {
        if (!(e instanceof JsonProcessingException jpe)) {
            return "json: " + e.getMessage();
        }
        StringBuilder sb = new StringBuilder("json: ");
        String msg = jpe.getOriginalMessage();
        int nl = msg.indexOf('\n');
        sb.append(nl < 0 ? msg : msg.substring(0, nl));
        if (jpe instanceof MismatchedInputException mie && !mie.getPath().isEmpty()) {
            sb.append(" (field ");
            String sep = "";
            for (var ref : mie.getPath()) {
                sb.append(sep).append(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
                sep = ".";
            }
            sb.append(')');
        }
        JsonLocation loc = jpe.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            sb.append(" at line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr());
        }
        return sb.toString();
    }
}
