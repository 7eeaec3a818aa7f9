package io.microcdi.examples.wrappers;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Lets only calls carrying {@code Authorization: Bearer <example.token>} through ({@link AuthInterceptor}); any other
 * call fails with a 401.
 *
 * <pre>{@code
 * @Service(name = "backend") @RequireToken
 * public class Backend { ... }
 * }</pre>
 */
@InterceptorBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RequireToken {
}
