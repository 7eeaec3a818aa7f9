package io.microcdi.annotation;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a {@link io.microcdi.broker.Publisher} of a topic.
 *
 * <pre>{@code
 * @Inject @Topic("orders") Publisher<OrderPlaced> orders;
 * orders.publish(new OrderPlaced(42));
 * }</pre>
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface Topic {

    /** The topic to publish to. */
    String value();

    /** An instance of the qualifier, for programmatic lookup. */
    final class Literal extends AnnotationLiteral<Topic> implements Topic {
        private static final long serialVersionUID = 1L;
        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        /** {@code @Topic(topic)}. */
        public static Literal of(String topic) {
            return new Literal(topic);
        }

        @Override
        public String value() {
            return value;
        }
    }
}
