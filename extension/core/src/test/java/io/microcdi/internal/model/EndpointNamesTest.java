package io.microcdi.internal.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointNamesTest {

    @Test
    void endpointCapitalizesMethod() {
        assertThat(EndpointNames.endpoint("Greeter", "hello")).isEqualTo("Greeter.Hello");
        assertThat(EndpointNames.endpoint("Greeter", "sayHello")).isEqualTo("Greeter.SayHello");
        assertThat(EndpointNames.endpoint("Greeter", "Hello")).isEqualTo("Greeter.Hello");
        assertThat(EndpointNames.endpoint("Greeter", "x")).isEqualTo("Greeter.X");
    }

    @Test
    void endpointOfEmptyMethodName() {
        assertThat(EndpointNames.endpoint("Greeter", "")).isEqualTo("Greeter.");
    }

    @Test
    void clientHandlerStripsOneKnownSuffix() {
        assertThat(EndpointNames.clientHandler("GreeterApi")).isEqualTo("Greeter");
        assertThat(EndpointNames.clientHandler("GreeterClient")).isEqualTo("Greeter");
        assertThat(EndpointNames.clientHandler("GreeterService")).isEqualTo("Greeter");
        assertThat(EndpointNames.clientHandler("GreeterServiceClient")).isEqualTo("GreeterService");
    }

    @Test
    void clientHandlerKeepsOtherNames() {
        assertThat(EndpointNames.clientHandler("Greeter")).isEqualTo("Greeter");
        assertThat(EndpointNames.clientHandler("GreeterAPI")).isEqualTo("GreeterAPI");
        assertThat(EndpointNames.clientHandler("Greeterapi")).isEqualTo("Greeterapi");
    }

    @Test
    void clientHandlerKeepsBareSuffix() {
        assertThat(EndpointNames.clientHandler("Api")).isEqualTo("Api");
        assertThat(EndpointNames.clientHandler("Client")).isEqualTo("Client");
        assertThat(EndpointNames.clientHandler("Service")).isEqualTo("Service");
    }

    @Test
    void clientMethodDropsAsyncOnlyWhenAsync() {
        assertThat(EndpointNames.clientMethod("helloAsync", true)).isEqualTo("hello");
        assertThat(EndpointNames.clientMethod("helloAsync", false)).isEqualTo("helloAsync");
        assertThat(EndpointNames.clientMethod("hello", true)).isEqualTo("hello");
        assertThat(EndpointNames.clientMethod("Async", true)).isEqualTo("Async");
    }

    @Test
    void asyncClientMethodCallsSameEndpoint() {
        String handler = EndpointNames.clientHandler("GreeterApi");

        assertThat(EndpointNames.endpoint(handler, EndpointNames.clientMethod("helloAsync", true)))
                .isEqualTo("Greeter.Hello");
        assertThat(EndpointNames.endpoint(handler, EndpointNames.clientMethod("hello", false)))
                .isEqualTo("Greeter.Hello");
    }

    @Test
    void serviceNameIsLowerCaseSimpleName() {
        assertThat(EndpointNames.serviceName("Greeter")).isEqualTo("greeter");
        assertThat(EndpointNames.serviceName("HelloWorld")).isEqualTo("helloworld");
        assertThat(EndpointNames.serviceName("TITLE")).isEqualTo("title");
    }
}
