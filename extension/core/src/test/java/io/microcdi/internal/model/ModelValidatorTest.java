package io.microcdi.internal.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModelValidatorTest {

    private static final String CLS = "io.example.Greeter";
    private static final String API = "io.example.GreeterApi";

    private static MethodShape method(String name, int params) {
        return new MethodShape(name, params, "", "io.example.HelloReply");
    }

    private static MethodShape endpoint(String name, String endpoint) {
        return new MethodShape(name, 1, endpoint, "io.example.HelloReply");
    }

    @Test
    void validServiceHasNoProblems() {
        List<String> problems = ModelValidator.service(CLS, "Greeter", List.of(
                method("hello", 1), method("ping", 0), endpoint("greet", "Greeter.Greet2")));

        assertThat(problems).isEmpty();
    }

    @Test
    void serviceWithoutMethods() {
        assertThat(ModelValidator.service(CLS, "Greeter", List.of()))
                .containsExactly("MICRO-0101: @Service io.example.Greeter has no public method to serve");
    }

    @Test
    void methodWithTwoParameters() {
        assertThat(ModelValidator.service(CLS, "Greeter", List.of(method("hello", 2))))
                .containsExactly("MICRO-0102: io.example.Greeter#hello takes 2 parameters "
                        + "(expected: none or one request object)");
    }

    @Test
    void overloadsClash() {
        List<String> problems = ModelValidator.service(CLS, "Greeter", List.of(method("hello", 1), method("hello", 0)));

        assertThat(problems).containsExactly("MICRO-0103: io.example.Greeter#hello and #hello both serve endpoint "
                + "Greeter.Hello (overloads are not allowed; rename one or use @Endpoint)");
    }

    @Test
    void endpointOverrideClashesWithDerivedName() {
        List<String> problems = ModelValidator.service(CLS, "Greeter", List.of(
                method("hello", 1), endpoint("greet", "Greeter.Hello")));

        assertThat(problems).singleElement().asString()
                .startsWith("MICRO-0103: io.example.Greeter#greet and #hello both serve endpoint Greeter.Hello");
    }

    @Test
    void methodsDifferingOnlyInCaseOfFirstLetterClash() {
        List<String> problems = ModelValidator.service(CLS, "Greeter", List.of(method("hello", 1), method("Hello", 1)));

        assertThat(problems).singleElement().asString().startsWith("MICRO-0103:");
    }

    @Test
    void overloadsRenamedWithEndpointDoNotClash() {
        List<String> problems = ModelValidator.service(CLS, "Greeter", List.of(
                method("hello", 1), new MethodShape("hello", 0, "Greeter.HelloEmpty", "java.lang.String")));

        assertThat(problems).isEmpty();
    }

    @Test
    void badEndpointNames() {
        for (String bad : new String[] {"Greeter", ".Hello", "Greeter.", "a.b.c", "."}) {
            assertThat(ModelValidator.service(CLS, "Greeter", List.of(endpoint("hello", bad))))
                    .as(bad)
                    .containsExactly("MICRO-0104: io.example.Greeter#hello: endpoint name '" + bad
                            + "' (expected: Handler.Method)");
        }
    }

    @Test
    void handlerWithDotGivesBadEndpointName() {
        assertThat(ModelValidator.service(CLS, "my.Greeter", List.of(method("hello", 1))))
                .containsExactly("MICRO-0104: io.example.Greeter#hello: endpoint name 'my.Greeter.Hello' "
                        + "(expected: Handler.Method)");
    }

    @Test
    void allServiceProblemsAreReportedTogether() {
        List<String> problems = ModelValidator.service(CLS, "Greeter", List.of(
                method("a", 2), method("b", 3), endpoint("c", "bad"), method("d", 0), method("d", 1)));

        assertThat(problems).hasSize(4);
        assertThat(problems).extracting(p -> p.substring(0, 10))
                .containsExactly("MICRO-0102", "MICRO-0102", "MICRO-0104", "MICRO-0103");
    }

    @Test
    void validClientHasNoProblems() {
        assertThat(ModelValidator.client(API, true, List.of(
                method("hello", 1), method("ping", 0), endpoint("other", "Other.Call")))).isEmpty();
    }

    @Test
    void clientMayHaveNoMethods() {
        assertThat(ModelValidator.client(API, true, List.of())).isEmpty();
    }

    @Test
    void clientMustBeInterface() {
        assertThat(ModelValidator.client("io.example.GreeterImpl", false, List.of(method("hello", 5))))
                .containsExactly("MICRO-0201: @MicroClient injection of io.example.GreeterImpl: "
                        + "the type must be an interface");
    }

    @Test
    void clientMethodWithTwoParameters() {
        assertThat(ModelValidator.client(API, true, List.of(method("hello", 2))))
                .containsExactly("MICRO-0202: io.example.GreeterApi#hello takes 2 parameters "
                        + "(expected: none or one request object)");
    }

    @Test
    void clientBadEndpointName() {
        assertThat(ModelValidator.client(API, true, List.of(endpoint("hello", "Hello"))))
                .containsExactly("MICRO-0104: io.example.GreeterApi#hello: endpoint name 'Hello' "
                        + "(expected: Handler.Method)");
    }

    @Test
    void clientOverloadsAreAllowed() {
        assertThat(ModelValidator.client(API, true, List.of(method("hello", 1), method("hello", 0)))).isEmpty();
    }

    @Test
    void allClientProblemsAreReportedTogether() {
        assertThat(ModelValidator.client(API, true, List.of(
                method("a", 2), endpoint("b", "x"), new MethodShape("c", 4, "Y", "void"))))
                .extracting(p -> p.substring(0, 10))
                .containsExactly("MICRO-0202", "MICRO-0104", "MICRO-0202", "MICRO-0104");
    }

    @Test
    void methodShapeAsync() {
        assertThat(new MethodShape("a", 0, "", "java.util.concurrent.CompletionStage").async()).isTrue();
        assertThat(new MethodShape("a", 0, "", "java.util.concurrent.CompletableFuture").async()).isTrue();
        assertThat(new MethodShape("a", 0, "", "java.util.concurrent.Future").async()).isFalse();
        assertThat(new MethodShape("a", 0, "", "void").async()).isFalse();
    }
}
