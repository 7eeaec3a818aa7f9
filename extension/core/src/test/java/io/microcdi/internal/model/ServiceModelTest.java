package io.microcdi.internal.model;

import io.microcdi.annotation.Endpoint;
import io.microcdi.errors.MicroException;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.server.EndpointInvoker;
import io.microcdi.server.ServiceDefinition;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class ServiceModelTest {

    public record HelloRequest(String name) {
    }

    public record HelloReply(String greeting) {
    }

    /** A service exercising every supported method shape. */
    public static class Greeter {
        public final List<String> calls = new ArrayList<>();

        public HelloReply hello(HelloRequest req) {
            return new HelloReply("Hello " + req.name());
        }

        public HelloReply ping() {
            return new HelloReply("pong");
        }

        public CompletionStage<HelloReply> later(HelloRequest req) {
            return CompletableFuture.completedFuture(new HelloReply("Later " + req.name()));
        }

        public CompletableFuture<String> future() {
            return CompletableFuture.completedFuture("f");
        }

        @Endpoint("Greeter.Greet")
        public HelloReply custom(HelloRequest req) {
            return new HelloReply("Hi " + req.name());
        }

        public void forget(HelloRequest req) {
            calls.add("forget " + req.name());
        }

        public int square(int x) {
            return x * x;
        }

        public List<String> names(List<HelloRequest> reqs) {
            return reqs.stream().map(HelloRequest::name).toList();
        }

        public HelloReply refuse(HelloRequest req) {
            throw MicroException.badRequest("greeter.refuse", "name %s not allowed", req.name());
        }

        public String broken() throws IOException {
            throw new IOException("disk on fire");
        }

        @PostConstruct
        public void init() {
            calls.add("init");
        }

        @PreDestroy
        public void destroy() {
            calls.add("destroy");
        }

        public static String helper() {
            return "static";
        }

        protected String notPublic() {
            return "protected";
        }

        @SuppressWarnings("unused")
        private String hidden() {
            return "private";
        }
    }

    @Endpoint("Hi")
    public static class Renamed {
        public String hello() {
            return "renamed";
        }
    }

    public static class Overloaded {
        public String hello(HelloRequest req) {
            return "one";
        }

        public String hello() {
            return "none";
        }

        public String two(String a, String b) {
            return a + b;
        }
    }

    public static class Nothing {
        @PostConstruct
        public void init() {
        }
    }

    /** Overrides the methods every object has. */
    public static class WithObjectMethods {
        public String hello() {
            return "hello";
        }

        @Override
        public String toString() {
            return "WithObjectMethods";
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    public static class Base {
        public String inherited() {
            return "base";
        }
    }

    public static class Derived extends Base {
        public String own() {
            return "own";
        }
    }

    /** Package-private: its methods are reachable only once made accessible. */
    static class Hidden {
        public String echo(String s) {
            return "echo " + s;
        }
    }

    @SuppressWarnings("rawtypes")
    public static class RawAsync {
        public CompletionStage raw() {
            return CompletableFuture.completedFuture("raw");
        }
    }

    private final Greeter greeter = new Greeter();
    private final ServiceDefinition def = ServiceModel.define(Greeter.class, greeter, "greeter", "1.0.0");

    private EndpointDefinition endpoint(ServiceDefinition d, String name) {
        return d.endpoints().stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint " + name + " in " + names(d)));
    }

    private static List<String> names(ServiceDefinition d) {
        return d.endpoints().stream().map(EndpointDefinition::name).toList();
    }

    private EndpointInvoker invoker(String name) {
        return endpoint(def, name).invoker();
    }

    @Test
    void definesNameVersionAndEndpointsSortedByMethodName() {
        assertThat(def.name()).isEqualTo("greeter");
        assertThat(def.version()).isEqualTo("1.0.0");
        assertThat(def.metadata()).isEmpty();
        assertThat(names(def)).containsExactly(
                "Greeter.Broken", "Greeter.Greet", "Greeter.Forget", "Greeter.Future", "Greeter.Hello",
                "Greeter.Later", "Greeter.Names", "Greeter.Ping", "Greeter.Refuse", "Greeter.Square");
    }

    @Test
    void excludesLifecycleStaticNonPublicAndObjectMethods() {
        assertThat(names(def)).doesNotContain(
                "Greeter.Init", "Greeter.Destroy", "Greeter.Helper", "Greeter.NotPublic", "Greeter.Hidden",
                "Greeter.ToString", "Greeter.HashCode", "Greeter.Equals", "Greeter.GetClass", "Greeter.Wait",
                "Greeter.Notify", "Greeter.NotifyAll");
    }

    @Test
    void invokesOneArgumentMethod() throws Throwable {
        Object reply = invoker("Greeter.Hello").invoke(new HelloRequest("John"));

        assertThat(reply).isEqualTo(new HelloReply("Hello John"));
    }

    @Test
    void invokesNoArgumentMethodIgnoringRequest() throws Throwable {
        assertThat(invoker("Greeter.Ping").invoke(null)).isEqualTo(new HelloReply("pong"));
        assertThat(invoker("Greeter.Ping").invoke("ignored")).isEqualTo(new HelloReply("pong"));
    }

    @Test
    void invokesVoidMethodReturningNull() throws Throwable {
        Object result = invoker("Greeter.Forget").invoke(new HelloRequest("Ann"));

        assertThat(result).isNull();
        assertThat(greeter.calls).containsExactly("forget Ann");
        assertThat(endpoint(def, "Greeter.Forget").responseType()).isEqualTo(void.class);
    }

    @Test
    void invokesPrimitiveMethodBoxing() throws Throwable {
        assertThat(invoker("Greeter.Square").invoke(7)).isEqualTo(49);
        assertThat(endpoint(def, "Greeter.Square").requestType()).isEqualTo(int.class);
        assertThat(endpoint(def, "Greeter.Square").responseType()).isEqualTo(int.class);
    }

    @Test
    void invokesOnTheGivenInstance() throws Throwable {
        Greeter other = new Greeter();
        ServiceDefinition d = ServiceModel.define(Greeter.class, other, "greeter", "1");

        endpoint(d, "Greeter.Forget").invoker().invoke(new HelloRequest("x"));

        assertThat(other.calls).containsExactly("forget x");
        assertThat(greeter.calls).isEmpty();
    }

    @Test
    void requestAndResponseTypes() {
        EndpointDefinition hello = endpoint(def, "Greeter.Hello");
        EndpointDefinition ping = endpoint(def, "Greeter.Ping");

        assertThat(hello.requestType()).isEqualTo(HelloRequest.class);
        assertThat(hello.responseType()).isEqualTo(HelloReply.class);
        assertThat(ping.requestType()).isNull();
        assertThat(ping.responseType()).isEqualTo(HelloReply.class);
    }

    @Test
    void genericRequestTypeIsKept() {
        Type request = endpoint(def, "Greeter.Names").requestType();

        assertThat(request).isInstanceOf(ParameterizedType.class);
        assertThat(((ParameterizedType) request).getActualTypeArguments()).containsExactly(HelloRequest.class);
    }

    @Test
    void completionStageResponseTypeIsItsTypeArgument() throws Throwable {
        EndpointDefinition later = endpoint(def, "Greeter.Later");

        assertThat(later.responseType()).isEqualTo(HelloReply.class);
        Object stage = later.invoker().invoke(new HelloRequest("Bo"));
        assertThat(stage).isInstanceOf(CompletionStage.class);
        assertThat(((CompletionStage<?>) stage).toCompletableFuture().join()).isEqualTo(new HelloReply("Later Bo"));
    }

    @Test
    void completableFutureResponseTypeIsItsTypeArgument() {
        assertThat(endpoint(def, "Greeter.Future").responseType()).isEqualTo(String.class);
    }

    @Test
    void rawCompletionStageResponseTypeIsObject() {
        ServiceDefinition d = ServiceModel.define(RawAsync.class, new RawAsync(), "raw", "1");

        assertThat(endpoint(d, "RawAsync.Raw").responseType()).isEqualTo(Object.class);
    }

    @Test
    void responseTypeOfPlainTypes() {
        assertThat(ServiceModel.responseType(String.class)).isEqualTo(String.class);
        assertThat(ServiceModel.responseType(void.class)).isEqualTo(void.class);
    }

    @Test
    void endpointAnnotationOverridesMethodName() throws Throwable {
        EndpointDefinition custom = endpoint(def, "Greeter.Greet");

        assertThat(custom.invoker().invoke(new HelloRequest("Cy"))).isEqualTo(new HelloReply("Hi Cy"));
        assertThat(names(def)).doesNotContain("Greeter.Custom");
    }

    @Test
    void endpointAnnotationOnClassNamesHandler() throws Throwable {
        ServiceDefinition d = ServiceModel.define(Renamed.class, new Renamed(), "renamed", "1");

        assertThat(names(d)).containsExactly("Hi.Hello");
        assertThat(d.endpoints().get(0).invoker().invoke(null)).isEqualTo("renamed");
    }

    @Test
    void endpointsAreNotStreams() {
        assertThat(def.endpoints()).allSatisfy(e -> assertThat(e.metadata()).isEqualTo(Map.of("stream", "false")));
    }

    @Test
    void microExceptionFromHandlerPropagatesAsIs() {
        assertThatThrownBy(() -> invoker("Greeter.Refuse").invoke(new HelloRequest("fail")))
                .isInstanceOf(MicroException.class)
                .hasMessage("400 Bad Request [greeter.refuse]: name fail not allowed");
    }

    @Test
    void checkedExceptionFromHandlerPropagatesUnwrapped() {
        assertThatThrownBy(() -> invoker("Greeter.Broken").invoke(null))
                .isExactlyInstanceOf(IOException.class)
                .hasMessage("disk on fire");
    }

    @Test
    void wrongRequestTypeFailsWithClassCast() {
        assertThatThrownBy(() -> invoker("Greeter.Hello").invoke("not a request"))
                .isInstanceOf(ClassCastException.class);
    }

    @Test
    void packagePrivateClassIsInvokable() throws Throwable {
        ServiceDefinition d = ServiceModel.define(Hidden.class, new Hidden(), "hidden", "1");

        assertThat(names(d)).containsExactly("Hidden.Echo");
        assertThat(d.endpoints().get(0).invoker().invoke("x")).isEqualTo("echo x");
    }

    @Test
    void inheritedPublicMethodsAreEndpoints() {
        ServiceDefinition d = ServiceModel.define(Derived.class, new Derived(), "derived", "1");

        assertThat(names(d)).containsExactly("Derived.Inherited", "Derived.Own");
    }

    @Test
    void overriddenObjectMethodsAreNotEndpoints() {
        ServiceDefinition d = ServiceModel.define(WithObjectMethods.class, new WithObjectMethods(), "w", "1");

        assertThat(names(d)).containsExactly("WithObjectMethods.Hello");
    }

    @Test
    void invalidClassFailsWithAllProblems() {
        assertThatThrownBy(() -> ServiceModel.define(Overloaded.class, new Overloaded(), "o", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MICRO-0103: " + Overloaded.class.getName() + "#hello and #hello")
                .hasMessageContaining("MICRO-0102: " + Overloaded.class.getName() + "#two takes 2 parameters")
                .hasMessageContaining("; ");
    }

    @Test
    void classWithOnlyLifecycleMethodsHasNothingToServe() {
        assertThatThrownBy(() -> ServiceModel.define(Nothing.class, new Nothing(), "n", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MICRO-0101: @Service " + Nothing.class.getName() + " has no public method to serve");
    }

    @Test
    void endpointMethodsAreSortedAndFiltered() {
        assertThat(ServiceModel.endpointMethods(Greeter.class)).extracting(Method::getName).containsExactly(
                "broken", "custom", "forget", "future", "hello", "later", "names", "ping", "refuse", "square");
    }

    @Test
    void handlerNameDefaultsToSimpleName() {
        assertThat(ServiceModel.handlerName(Greeter.class)).isEqualTo("Greeter");
        assertThat(ServiceModel.handlerName(Renamed.class)).isEqualTo("Hi");
    }

    @Test
    void shapeReadsMethod() throws NoSuchMethodException {
        MethodShape custom = ServiceModel.shape(Greeter.class.getMethod("custom", HelloRequest.class));
        MethodShape later = ServiceModel.shape(Greeter.class.getMethod("later", HelloRequest.class));

        assertThat(custom).isEqualTo(new MethodShape("custom", 1, "Greeter.Greet", HelloReply.class.getName(), HelloRequest.class.getName()));
        assertThat(later.async()).isTrue();
        assertThat(ServiceModel.endpointName("Greeter", Greeter.class.getMethod("ping"))).isEqualTo("Greeter.Ping");
    }
}
