package io.microcdi.annotation;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a typed client of a remote service.
 *
 * <pre>{@code
 * @Inject @MicroClient("greeter") GreeterApi greeter;
 * HelloReply reply = greeter.hello(new HelloRequest("John"));
 * }</pre>
 *
 * <p>The injected type is a plain Java interface. Method {@code hello} of {@code GreeterApi} calls endpoint
 * {@code Greeter.Hello}: the handler part is the interface's simple name without a trailing {@code Api},
 * {@code Client} or {@code Service}, and a method returning {@code CompletionStage} may end in {@code Async}
 * ({@code helloAsync} also calls {@code Greeter.Hello}). {@link Endpoint} overrides either part.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface MicroClient {

    /** The name of the service to call, as registered in the registry. */
    String value();

    /** An instance of the qualifier, for programmatic lookup. */
    final class Literal extends AnnotationLiteral<MicroClient> implements MicroClient {
        private static final long serialVersionUID = 1L;
        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        /** {@code @MicroClient(service)}. */
        public static Literal of(String service) {
            return new Literal(service);
        }

        @Override
        public String value() {
            return value;
        }
    }
}
