package io.microcdi.cdi;

import io.microcdi.annotation.Subscribe;
import io.microcdi.internal.broker.SubscriberShape;
import jakarta.enterprise.inject.build.compatible.spi.InjectionPointInfo;
import jakarta.enterprise.lang.model.AnnotationInfo;
import jakarta.enterprise.lang.model.declarations.ClassInfo;
import jakarta.enterprise.lang.model.declarations.DeclarationInfo;
import jakarta.enterprise.lang.model.declarations.MethodInfo;
import jakarta.enterprise.lang.model.types.Type;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads {@code @Subscribe} methods and {@code @Topic} injections from the CDI language model (never reflection), for
 * {@link MicroExtension}: the same {@link SubscriberShape} that {@code SubscriberModel} reads by reflection at start.
 *
 * <pre>{@code
 * for (MethodInfo m : PubSubShapes.subscribeMethods(bean.declaringClass())) {
 *     SubscriberValidator.subscriber(m.declaringClass().name(), PubSubShapes.shape(m));
 * }
 * }</pre>
 */
final class PubSubShapes {

    private PubSubShapes() {
    }

    /**
     * The {@code @Subscribe} methods of {@code type}: declared by it or a superclass, unless a subclass overrides
     * them (as CDI inherits observer methods). Interface methods do not count.
     */
    static List<MethodInfo> subscribeMethods(ClassInfo type) {
        List<String> chain = new ArrayList<>();
        List<ClassInfo> classes = new ArrayList<>();
        for (ClassInfo k = type; k != null && !k.name().equals("java.lang.Object"); k = k.superClassDeclaration()) {
            chain.add(k.name());
            classes.add(k);
        }
        // methods() may or may not include inherited ones, depending on the implementation: gather both, once each
        Map<String, MethodInfo> all = new LinkedHashMap<>();
        for (ClassInfo k : classes) {
            for (MethodInfo m : k.methods()) {
                if (!m.isConstructor() && chain.contains(m.declaringClass().name())) {
                    all.putIfAbsent(key(m), m);
                }
            }
        }
        List<MethodInfo> found = new ArrayList<>();
        for (MethodInfo m : all.values()) {
            if (!m.hasAnnotation(Subscribe.class)) {
                continue;
            }
            int depth = chain.indexOf(m.declaringClass().name());
            boolean overridable = !m.isStatic() && !Modifier.isPrivate(m.modifiers());
            boolean overridden = overridable && all.values().stream().anyMatch(d ->
                    chain.indexOf(d.declaringClass().name()) < depth && !Modifier.isPrivate(d.modifiers())
                            && MicroExtension.overrides(d, m));
            if (!overridden) {
                found.add(m);
            }
        }
        return found;
    }

    private static String key(MethodInfo m) {
        return m.declaringClass().name() + "#" + m.name() + m.parameters().stream()
                .map(p -> typeName(p.type())).collect(Collectors.joining(",", "(", ")"));
    }

    /** The validator's view of a method. */
    static SubscriberShape shape(MethodInfo m) {
        AnnotationInfo s = m.annotation(Subscribe.class);
        String topic = s != null && s.hasMember("topic") ? s.member("topic").asString() : "";
        List<String> params = m.parameters().stream().map(p -> erasure(p.type())).toList();
        Type r = m.returnType();
        String argument = r.isParameterizedType() && r.asParameterizedType().typeArguments().size() == 1
                ? erasure(r.asParameterizedType().typeArguments().get(0)) : "";
        return new SubscriberShape(m.name(), topic, params, erasure(r), argument, m.isStatic(),
                Modifier.isPrivate(m.modifiers()));
    }

    /** The erased name of a type as the validator compares it: {@code int}, {@code byte[]}, {@code java.util.List}. */
    static String erasure(Type t) {
        if (t.isVoid()) {
            return "void";
        }
        if (t.isPrimitive()) {
            return t.asPrimitive().name();
        }
        if (t.isArray()) {
            return erasure(t.asArray().componentType()) + "[]";
        }
        if (t.isTypeVariable()) {
            List<Type> bounds = t.asTypeVariable().bounds();
            return bounds.isEmpty() ? "java.lang.Object" : erasure(bounds.get(0));
        }
        if (t.isWildcardType()) {
            return "?";
        }
        ClassInfo c = MicroExtension.declaration(t);
        return c != null ? c.name() : t.toString();
    }

    /** The full name of a type with its arguments, for keys and messages: {@code java.util.List<io.example.Order>}. */
    static String typeName(Type t) {
        if (t.isParameterizedType()) {
            return t.asParameterizedType().declaration().name() + t.asParameterizedType().typeArguments().stream()
                    .map(PubSubShapes::typeName).collect(Collectors.joining(", ", "<", ">"));
        }
        if (t.isArray()) {
            return typeName(t.asArray().componentType()) + "[]";
        }
        if (t.isTypeVariable()) {
            return t.asTypeVariable().name();
        }
        if (t.isWildcardType()) {
            var w = t.asWildcardType();
            return w.upperBound() != null ? "? extends " + typeName(w.upperBound())
                    : w.lowerBound() != null ? "? super " + typeName(w.lowerBound()) : "?";
        }
        return erasure(t);
    }

    /** Whether a payload type can be a bean type argument: no wildcard or type variable anywhere in it. */
    static boolean isConcrete(Type t) {
        if (t.isTypeVariable() || t.isWildcardType()) {
            return false;
        }
        if (t.isArray()) {
            return isConcrete(t.asArray().componentType());
        }
        if (t.isParameterizedType()) {
            return t.asParameterizedType().typeArguments().stream().allMatch(PubSubShapes::isConcrete);
        }
        return true;
    }

    /**
     * The name {@code Class.forName} takes for the erasure of {@code t}: {@code io.example.Order},
     * {@code [B} for {@code byte[]}, {@code [Lio.example.Order;} for {@code Order[]}.
     */
    static String binaryName(Type t) {
        if (t.isArray()) {
            return "[" + descriptor(t.asArray().componentType());
        }
        return erasure(t);
    }

    private static String descriptor(Type t) {
        if (t.isArray()) {
            return "[" + descriptor(t.asArray().componentType());
        }
        if (t.isPrimitive()) {
            return switch (t.asPrimitive().primitiveKind()) {
                case BOOLEAN -> "Z";
                case BYTE -> "B";
                case SHORT -> "S";
                case INT -> "I";
                case LONG -> "J";
                case FLOAT -> "F";
                case DOUBLE -> "D";
                case CHAR -> "C";
            };
        }
        return "L" + erasure(t) + ";";
    }

    /** Where an injection point is, for problems: {@code io.example.Checkout#orders}. */
    static String describe(InjectionPointInfo ip) {
        DeclarationInfo d = ip.declaration();
        if (d.isField()) {
            return d.asField().declaringClass().name() + "#" + d.asField().name();
        }
        if (d.isParameter()) {
            MethodInfo m = d.asParameter().declaringMethod();
            return m.declaringClass().name() + "#" + (m.isConstructor() ? "<init>" : m.name()) + "("
                    + d.asParameter().name() + ")";
        }
        return d.toString();
    }
}
