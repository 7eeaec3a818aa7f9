package io.microcdi.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The content type a {@link MicroClient} interface, or one of its methods, calls with; the most specific wins:
 * method, then interface, then {@code micro.client.<service>.content-type}, then {@code micro.client.content-type}.
 *
 * <pre>{@code
 * @ContentType("application/protobuf")
 * interface GreeterApi {
 *     HelloReply hello(HelloRequest req);                               // a protobuf-java generated message
 *     @ContentType("application/octet-stream") byte[] raw(byte[] in);   // raw bytes
 * }
 * }</pre>
 *
 * <p>A content type no codec serves, or one that cannot carry the method's types, fails when the client is made.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ContentType {

    /** The content type, for example {@code application/protobuf} or {@code application/json-rpc}. */
    String value();
}
