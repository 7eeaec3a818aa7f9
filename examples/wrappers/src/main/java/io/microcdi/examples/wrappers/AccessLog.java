package io.microcdi.examples.wrappers;

import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Logs one line per call handled ({@link AccessLogInterceptor}): endpoint, caller, outcome, duration.
 *
 * <pre>{@code
 * @Service(name = "frontend") @AccessLog
 * public class Frontend { ... }
 * }</pre>
 */
@InterceptorBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface AccessLog {
}
