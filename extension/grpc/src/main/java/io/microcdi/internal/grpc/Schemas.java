package io.microcdi.internal.grpc;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.Message;
import com.google.protobuf.StructProto;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.ServiceDefinition;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The protobuf description of a service's endpoints, built once at start: what server reflection answers and what
 * records travel as in protobuf form.
 *
 * <pre>{@code
 * Schemas schema = Schemas.of(greeterDefinition);   // package "greeter", service greeter.Greeter
 * Descriptor hello = schema.message(HelloRequest.class);
 * }</pre>
 *
 * <p>A generated protobuf message is described by its own descriptor (its file is imported). A record or plain class
 * gets a synthesized message of the same simple name in the service's package: a field per component, numbered in
 * declaration order from 1; {@code String}, enums, {@code char} and other scalars Jackson writes as text are
 * {@code string}; {@code int}/{@code short}/{@code byte} {@code int32}, {@code long} {@code int64}, {@code float},
 * {@code double}, {@code boolean} {@code bool}, {@code byte[]} {@code bytes}; collections and arrays
 * {@code repeated}; maps {@code map<string, V>}; {@code Object} and other untyped values
 * {@code google.protobuf.Value}. An endpoint without a request, or without a response, has
 * {@code google.protobuf.Empty} there. A service name that is no protobuf package ({@code greeter-proto}) has its
 * other characters replaced by {@code _}.
 */
public final class Schemas {

    private final FileDescriptor file;
    private final Map<Type, Descriptor> messages;
    /** Services a generated file already defines under the same name, by handler: theirs describe them. */
    private final Map<String, Descriptors.ServiceDescriptor> external;

    private Schemas(FileDescriptor file, Map<Type, Descriptor> messages,
                    Map<String, Descriptors.ServiceDescriptor> external) {
        this.file = file;
        this.messages = messages;
        this.external = external;
    }

    /** The protobuf package of a service name. */
    public static String packageOf(String service) {
        StringBuilder b = new StringBuilder(service.length());
        for (int i = 0; i < service.length(); i++) {
            char c = service.charAt(i);
            boolean ok = c == '.' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9');
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    /** The handler part of an endpoint name ({@code Greeter} of {@code Greeter.Hello}). */
    public static String handler(String endpoint) {
        int dot = endpoint.indexOf('.');
        return dot < 0 ? endpoint : endpoint.substring(0, dot);
    }

    /** The method part of an endpoint name ({@code Hello} of {@code Greeter.Hello}). */
    public static String method(String endpoint) {
        int dot = endpoint.indexOf('.');
        return dot < 0 ? endpoint : endpoint.substring(dot + 1);
    }

    /** The schema of {@code service}'s endpoints. */
    public static Schemas of(ServiceDefinition service) {
        return of(service, Set.of());
    }

    /**
     * The schema of {@code service}'s endpoints, its synthesized messages named clear of {@code reserved} (full
     * names, {@code greeter.HelloRequest}): reflection serves every file of a server from one index, where a name
     * may be defined once.
     */
    public static Schemas of(ServiceDefinition service, Set<String> reserved) {
        return new Builder(packageOf(service.name()), reserved).build(service);
    }

    /**
     * The full names of the messages the generated files of {@code services}' endpoint types define (and the files
     * they import): what a synthesized message must not be called.
     */
    public static Set<String> generatedNames(List<ServiceDefinition> services) {
        Set<String> names = new HashSet<>();
        Set<FileDescriptor> seen = new HashSet<>();
        for (ServiceDefinition s : services) {
            for (EndpointDefinition e : s.endpoints()) {
                for (Type t : new Type[] {e.requestType(), e.responseType()}) {
                    Class<?> raw = t == null ? null : Builder.raw(t);
                    if (raw != null && Message.class.isAssignableFrom(raw)) {
                        addNames(descriptorOf(raw).getFile(), names, seen);
                    }
                }
            }
        }
        return Set.copyOf(names);
    }

    private static void addNames(FileDescriptor file, Set<String> names, Set<FileDescriptor> seen) {
        if (!seen.add(file)) {
            return;
        }
        for (Descriptor d : file.getMessageTypes()) {
            names.add(d.getFullName());
        }
        for (FileDescriptor f : file.getDependencies()) {
            addNames(f, names, seen);
        }
    }

    /**
     * The gRPC service of a handler ({@code Greeter}), or {@code null}: the one a generated file of the service's
     * package defines under that name when there is one (the {@code .proto} the messages come from), else the
     * synthesized one. Its {@code getFile()} is what reflection answers.
     */
    public Descriptors.ServiceDescriptor service(String handler) {
        Descriptors.ServiceDescriptor own = external.get(handler);
        return own != null ? own : file.findServiceByName(handler);
    }

    /** The message describing {@code type} ({@code null}, {@code void}: {@code google.protobuf.Empty}). */
    public Descriptor message(Type type) {
        if (type == null || type == void.class || type == Void.class) {
            return com.google.protobuf.Empty.getDescriptor();
        }
        return messages.get(type);
    }

    private static final class Builder {
        private final String pkg;
        private final FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder();
        private final Set<FileDescriptor> imports = new LinkedHashSet<>();
        /** Full names ({@code .pkg.Name}) by type, of every message this file uses. */
        private final Map<Type, String> names = new HashMap<>();
        private final Set<String> taken = new HashSet<>();
        private final Map<String, Descriptor> external = new HashMap<>();
        private final Set<String> reserved;

        Builder(String pkg, Set<String> reserved) {
            this.pkg = pkg;
            this.reserved = reserved;
        }

        Schemas build(ServiceDefinition service) {
            file.setName("microcdi/" + pkg.replace('.', '/') + ".proto").setPackage(pkg).setSyntax("proto3");
            Map<String, ServiceDescriptorProto.Builder> services = new LinkedHashMap<>();
            List<Type> used = new ArrayList<>();
            for (EndpointDefinition e : service.endpoints()) {
                String in = messageName(e.requestType());
                String out = messageName(e.responseType());
                used.add(e.requestType());
                used.add(e.responseType());
                services.computeIfAbsent(handler(e.name()), h -> ServiceDescriptorProto.newBuilder().setName(h))
                        .addMethod(MethodDescriptorProto.newBuilder()
                                .setName(method(e.name()))
                                .setInputType(in)
                                .setOutputType(out)
                                .setClientStreaming(e.streaming().requestsStream())
                                .setServerStreaming(e.streaming().responsesStream()));
            }
            Map<String, Descriptors.ServiceDescriptor> generated = new HashMap<>();
            for (Map.Entry<String, ServiceDescriptorProto.Builder> sv : services.entrySet()) {
                Descriptors.ServiceDescriptor theirs = generatedService(sv.getKey());
                if (theirs != null) {
                    generated.put(sv.getKey(), theirs);
                } else {
                    file.addService(sv.getValue());
                }
            }
            for (FileDescriptor f : imports) {
                file.addDependency(f.getName());
            }
            FileDescriptor built;
            try {
                built = FileDescriptor.buildFrom(file.build(), imports.toArray(FileDescriptor[]::new));
            } catch (Descriptors.DescriptorValidationException ex) {
                throw new IllegalArgumentException(service.name() + ": cannot describe its endpoints in protobuf: "
                        + ex.getMessage(), ex);
            }
            Map<Type, Descriptor> messages = new HashMap<>();
            for (Type t : used) {
                if (t == null || t == void.class || t == Void.class) {
                    continue;
                }
                String full = names.get(t);
                Descriptor d = external.containsKey(full) ? external.get(full)
                        : built.findMessageTypeByName(full.substring(pkg.length() + 2));
                messages.put(t, d);
            }
            for (Map.Entry<Type, String> n : names.entrySet()) {
                if (!messages.containsKey(n.getKey())) {
                    String full = n.getValue();
                    messages.put(n.getKey(), external.containsKey(full) ? external.get(full)
                            : built.findMessageTypeByName(full.substring(pkg.length() + 2)));
                }
            }
            return new Schemas(built, Map.copyOf(messages), Map.copyOf(generated));
        }

        /**
         * The service {@code handler} a generated file imported for its messages defines in this package: two files
         * cannot both define it, and the user's describes it best.
         */
        private Descriptors.ServiceDescriptor generatedService(String handler) {
            for (FileDescriptor f : imports) {
                if (f.getPackage().equals(pkg)) {
                    Descriptors.ServiceDescriptor s = f.findServiceByName(handler);
                    if (s != null) {
                        return s;
                    }
                }
            }
            return null;
        }

        /** The full name ({@code .pkg.Name}) of the message of {@code type}, adding it to the file if new. */
        String messageName(Type type) {
            if (type == null || type == void.class || type == Void.class) {
                imports.add(EmptyProto.getDescriptor());
                return ".google.protobuf.Empty";
            }
            String known = names.get(type);
            if (known != null) {
                return known;
            }
            Class<?> raw = raw(type);
            if (raw != null && Message.class.isAssignableFrom(raw)) {
                Descriptor d = descriptorOf(raw);
                imports.add(d.getFile());
                String full = "." + d.getFullName();
                names.put(type, full);
                external.put(full, d);
                return full;
            }
            if (raw == null || untyped(raw)) {
                imports.add(StructProto.getDescriptor());
                return ".google.protobuf.Value";
            }
            String simple = raw.getSimpleName().isEmpty() ? "Message" : raw.getSimpleName();
            String name = simple;
            for (int i = 2; reserved.contains(pkg + "." + name) || !taken.add(name); i++) {
                name = simple + "_" + i;
            }
            String full = "." + pkg + "." + name;
            names.put(type, full);
            DescriptorProto.Builder m = DescriptorProto.newBuilder().setName(name);
            int number = 1;
            for (Map.Entry<String, Type> f : fields(raw).entrySet()) {
                addField(m, full, f.getKey(), f.getValue(), number++);
            }
            file.addMessageType(m);
            return full;
        }

        private void addField(DescriptorProto.Builder m, String owner, String name, Type type, int number) {
            FieldDescriptorProto.Builder f = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                    .setJsonName(name).setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
            Type element = elementOf(type);
            Class<?> raw = raw(type);
            if (raw != null && Map.class.isAssignableFrom(raw)) {
                Type value = type instanceof ParameterizedType p && p.getActualTypeArguments().length == 2
                        ? p.getActualTypeArguments()[1] : Object.class;
                String entry = capitalize(name) + "Entry";
                DescriptorProto.Builder e = DescriptorProto.newBuilder().setName(entry)
                        .setOptions(MessageOptions.newBuilder().setMapEntry(true));
                e.addField(FieldDescriptorProto.newBuilder().setName("key").setNumber(1).setJsonName("key")
                        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                        .setType(FieldDescriptorProto.Type.TYPE_STRING));
                FieldDescriptorProto.Builder v = FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
                        .setJsonName("value").setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
                scalarOrMessage(v, elementOf(value) != null ? Object.class : value);
                e.addField(v);
                m.addNestedType(e);
                f.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                        .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                        .setTypeName(owner + "." + entry);
            } else if (element != null) {
                f.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED);
                scalarOrMessage(f, elementOf(element) != null ? Object.class : element);
            } else {
                scalarOrMessage(f, type);
            }
            m.addField(f);
        }

        private void scalarOrMessage(FieldDescriptorProto.Builder f, Type type) {
            Class<?> c = raw(type);
            if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
                scalarOrMessage(f, p.getActualTypeArguments()[0]);
                return;
            }
            FieldDescriptorProto.Type scalar = c == null ? null : scalar(c);
            if (scalar != null) {
                f.setType(scalar);
            } else {
                f.setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(messageName(type));
            }
        }

        private static FieldDescriptorProto.Type scalar(Class<?> c) {
            if (c == boolean.class || c == Boolean.class) {
                return FieldDescriptorProto.Type.TYPE_BOOL;
            }
            if (c == int.class || c == Integer.class || c == short.class || c == Short.class || c == byte.class
                    || c == Byte.class) {
                return FieldDescriptorProto.Type.TYPE_INT32;
            }
            if (c == long.class || c == Long.class) {
                return FieldDescriptorProto.Type.TYPE_INT64;
            }
            if (c == float.class || c == Float.class) {
                return FieldDescriptorProto.Type.TYPE_FLOAT;
            }
            if (c == double.class || c == Double.class) {
                return FieldDescriptorProto.Type.TYPE_DOUBLE;
            }
            if (c == byte[].class) {
                return FieldDescriptorProto.Type.TYPE_BYTES;
            }
            if (c == String.class || c == char.class || c == Character.class || c.isEnum() || CharSequence.class
                    .isAssignableFrom(c) || Number.class.isAssignableFrom(c)
                    || c.getName().startsWith("java.time.") || c == java.util.UUID.class) {
                return FieldDescriptorProto.Type.TYPE_STRING;
            }
            return null;
        }

        private static boolean untyped(Class<?> c) {
            return c == Object.class || c.isInterface() || c.getName().startsWith("com.fasterxml.")
                    || (c.getName().startsWith("java.") && scalar(c) == null);
        }

        /** The element type of a collection or array (not {@code byte[]}), or {@code null}. */
        private static Type elementOf(Type type) {
            if (type instanceof Class<?> c && c.isArray() && c != byte[].class) {
                return c.getComponentType();
            }
            if (type instanceof GenericArrayType g) {
                return g.getGenericComponentType();
            }
            Class<?> raw = raw(type);
            if (raw != null && Collection.class.isAssignableFrom(raw)) {
                return type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            }
            return null;
        }

        private static Class<?> raw(Type type) {
            if (type instanceof Class<?> c) {
                return c;
            }
            if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
                return c;
            }
            if (type instanceof WildcardType w && w.getUpperBounds().length == 1) {
                return raw(w.getUpperBounds()[0]);
            }
            return null;
        }

        private static Map<String, Type> fields(Class<?> c) {
            Map<String, Type> fields = new LinkedHashMap<>();
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) {
                    fields.put(rc.getName(), rc.getGenericType());
                }
                return fields;
            }
            List<Class<?>> chain = new ArrayList<>();
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                chain.add(0, k);
            }
            for (Class<?> k : chain) {
                for (Field f : k.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())
                            && !f.isSynthetic()) {
                        fields.put(f.getName(), f.getGenericType());
                    }
                }
            }
            return fields;
        }

        private static String capitalize(String s) {
            return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
        }
    }

    /** The descriptor of a generated message class (its static {@code getDescriptor()}), read once at start. */
    static Descriptor descriptorOf(Class<?> message) {
        try {
            return (Descriptor) message.getMethod("getDescriptor").invoke(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(message.getName() + ": no static getDescriptor(), as classes protoc "
                    + "generates for protobuf-java have", e);
        }
    }
}
