package io.microcdi.bench.jmh;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds {@link EmptyInterceptor}: on a bean class, Weld's own interception; on a {@code @MicroClient} interface,
 * MicroCDI's.
 *
 * <pre>{@code
 * @Empty @ApplicationScoped public class InterceptedEchoHandler { ... }
 * }</pre>
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Empty {
}
