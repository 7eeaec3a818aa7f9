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
 * Requires {@code Authorization: Bearer <token>} with one of the tokens of {@code micro.auth.tokens} on each call
 * served or message handled: {@link BearerTokenInterceptor}. Anything else is answered 401.
 *
 * <pre>{@code
 * @Service @BearerToken           // micro.auth.tokens=s3cret,0ther
 * public class Billing { ... }
 * }</pre>
 *
 * <p>{@code micro.server.wrappers=auth} adds it everywhere. On a {@code @MicroClient} interface it does nothing: the
 * client side is {@link BearerTokenWrapper}.
 */
@InterceptorBinding
@Inherited
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface BearerToken {

    /** An instance of the binding, to add it programmatically. */
    final class Literal extends AnnotationLiteral<BearerToken> implements BearerToken {
        private static final long serialVersionUID = 1L;

        /** {@code @BearerToken}. */
        public static final Literal INSTANCE = new Literal();

        private Literal() {
        }
    }
}
