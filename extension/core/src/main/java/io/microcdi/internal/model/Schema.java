package io.microcdi.internal.model;

import io.microcdi.registry.Value;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The shape of a message type as Go Micro advertises it in the registry: fields by JSON name, three levels deep (a
 * generated protobuf message: the fields of its descriptor, see {@link ProtoSchema}).
 *
 * <pre>{@code
 * Schema.of(HelloRequest.class)   // Value("HelloRequest", "HelloRequest", [Value("name", "string", [])])
 * }</pre>
 */
public final class Schema {

    private static final int MAX_DEPTH = 3;
    /** Generated protobuf messages implement it; protobuf-java is optional, so it is matched by name. */
    private static final String PROTO_MESSAGE = "com.google.protobuf.Message";

    private Schema() {
    }

    /** The value describing {@code type}, or {@code null} for none ({@code void}). */
    public static Value of(Type type) {
        if (type == null || type == void.class || type == Void.class) {
            return null;
        }
        String name = typeName(type);
        return new Value(name, name, fields(type, 1));
    }

    private static List<Value> fields(Type type, int depth) {
        if (!(type instanceof Class<?> c) || depth > MAX_DEPTH || isScalar(c) || c.isArray()
                || Collection.class.isAssignableFrom(c) || Map.class.isAssignableFrom(c)
                || c.getName().startsWith("java.")) {
            return List.of();
        }
        if (implementsByName(c, PROTO_MESSAGE)) {
            return ProtoSchema.fields(c, depth, MAX_DEPTH); // its descriptor, not the generated class's fields
        }
        List<Value> values = new ArrayList<>();
        if (c.isRecord()) {
            for (RecordComponent rc : c.getRecordComponents()) {
                values.add(new Value(rc.getName(), typeName(rc.getGenericType()),
                        fields(rc.getGenericType(), depth + 1)));
            }
            return values;
        }
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                values.add(new Value(f.getName(), typeName(f.getGenericType()), fields(f.getGenericType(), depth + 1)));
            }
        }
        return values;
    }

    /** Whether {@code c} implements the interface named {@code name}, without loading it when it is not there. */
    private static boolean implementsByName(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Class<?> i : k.getInterfaces()) {
                if (i.getName().equals(name) || implementsByName(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isScalar(Class<?> c) {
        return c.isPrimitive() || c.isEnum() || Number.class.isAssignableFrom(c) || c == String.class
                || c == Boolean.class || c == Character.class;
    }

    private static String typeName(Type t) {
        if (t instanceof Class<?> c) {
            if (c == String.class || c == char.class || c == Character.class) {
                return "string";
            }
            if (c == boolean.class || c == Boolean.class) {
                return "bool";
            }
            if (c == int.class || c == Integer.class || c == short.class || c == Short.class) {
                return "int32";
            }
            if (c == long.class || c == Long.class) {
                return "int64";
            }
            if (c == float.class || c == Float.class) {
                return "float32";
            }
            if (c == double.class || c == Double.class) {
                return "float64";
            }
            if (c == byte[].class) {
                return "[]byte";
            }
            if (c.isArray()) {
                return "[]" + typeName(c.getComponentType());
            }
            return c.getSimpleName();
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw) && args.length == 1) {
                return "[]" + typeName(args[0]);
            }
            if (Map.class.isAssignableFrom(raw) && args.length == 2) {
                return "map[" + typeName(args[0]) + "]" + typeName(args[1]);
            }
            return raw.getSimpleName();
        }
        return t.getTypeName();
    }
}
