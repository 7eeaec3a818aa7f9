package io.microcdi.annotation;

import io.microcdi.client.CallWrapper;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the {@link CallWrapper}s a {@code @MicroClient} interface's calls go through, besides the wrappers that apply
 * to every client. A wrapper named here by any client applies only to the clients that name it.
 *
 * <pre>{@code
 * @Wrap(BearerTokenWrapper.class)
 * public interface BillingApi { Invoice charge(Order order); }
 * }</pre>
 *
 * <p>The wrappers are CDI beans of these classes; together with the global ones they run in {@code @Priority} order
 * (lower first, outermost), then by class name. The built-in {@code TraceContextWrapper} and
 * {@code BearerTokenWrapper} (package {@code io.microcdi.wrappers}) need no bean and run outermost.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Wrap {

    /** The wrapper bean classes. */
    Class<? extends CallWrapper>[] value();
}
