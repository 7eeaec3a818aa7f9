package io.microcdi.wrappers;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Times each call served, message handled or client call made and hands a {@link CallTiming} to every
 * {@link CallTimingListener} bean: {@link MeasuringInterceptor}.
 *
 * <pre>{@code
 * @Service @Measured
 * public class Greeter { ... }
 *
 * @Inject CallStats stats;            // the built-in listener
 * stats.snapshot().get("greeter Greeter.Hello").count();
 * }</pre>
 *
 * <p>{@code micro.server.wrappers=metrics} and {@code micro.client.wrappers=metrics} add it everywhere.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Measured {

    /** An instance of the binding, to add it programmatically. */
    final class Literal extends AnnotationLiteral<Measured> implements Measured {
        private static final long serialVersionUID = 1L;

        /** {@code @Measured}. */
        public static final Literal INSTANCE = new Literal();

        private Literal() {
        }
    }
}
