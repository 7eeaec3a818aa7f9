package io.microcdi.internal.model;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.microcdi.registry.Value;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a generated protobuf message as Go Micro advertises its Go struct: each field of the message by its
 * name in the {@code .proto} (the JSON name in the struct tag of Go's generated code), typed the Go way, and none of
 * the Java class's bookkeeping ({@code memoizedIsInitialized}, {@code unknownFields}, ...). Touched by {@link Schema}
 * only for a class that implements protobuf's {@code Message}, so protobuf-java stays optional.
 *
 * <pre>{@code
 * ProtoSchema.fields(HelloRequest.class, 1, 3)   // [Value("name", "string", [])]
 * }</pre>
 */
final class ProtoSchema {

    private ProtoSchema() {
    }

    /** The fields of {@code message}, from its descriptor; none when it has no static {@code getDescriptor()}. */
    static List<Value> fields(Class<?> message, int depth, int maxDepth) {
        Descriptor d;
        try {
            d = (Descriptor) message.getMethod("getDescriptor").invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException | ClassCastException e) {
            return List.of(); // the Message interface itself, or a hand-written implementation
        }
        return fields(d, depth, maxDepth);
    }

    private static List<Value> fields(Descriptor d, int depth, int maxDepth) {
        if (depth > maxDepth) {
            return List.of();
        }
        List<Value> values = new ArrayList<>(d.getFields().size());
        for (FieldDescriptor f : d.getFields()) {
            List<Value> nested = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isMapField()
                    ? fields(f.getMessageType(), depth + 1, maxDepth) : List.of();
            values.add(new Value(f.getName(), type(f), nested));
        }
        return values;
    }

    private static String type(FieldDescriptor f) {
        if (f.isMapField()) {
            Descriptor entry = f.getMessageType();
            return "map[" + single(entry.findFieldByNumber(1)) + "]" + single(entry.findFieldByNumber(2));
        }
        return f.isRepeated() ? "[]" + single(f) : single(f);
    }

    private static String single(FieldDescriptor f) {
        return switch (f.getType()) {
            case STRING -> "string";
            case BOOL -> "bool";
            case INT32, SINT32, SFIXED32 -> "int32";
            case INT64, SINT64, SFIXED64 -> "int64";
            case UINT32, FIXED32 -> "uint32";
            case UINT64, FIXED64 -> "uint64";
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case BYTES -> "[]byte";
            case ENUM -> f.getEnumType().getName();
            case MESSAGE, GROUP -> f.getMessageType().getName();
        };
    }
}
