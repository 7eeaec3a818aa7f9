package io.microcdi.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The path rules of Go Micro's {@code micro} resolver (v1 {@code api/resolver/micro/route.go}), case by case. */
class ResolverTest {

    private final Resolver plain = new Resolver("");

    @Test
    void oneOrTwoSegmentsNameTheServiceByTheFirst() {
        assertThat(plain.resolve("/greeter/hello")).contains(new Route("greeter", "Greeter.Hello"));
        assertThat(plain.resolve("/greeter")).contains(new Route("greeter", "Greeter"));
    }

    @Test
    void dashesBecomeTitleCase() {
        assertThat(plain.resolve("/greeter/say-hello")).contains(new Route("greeter", "Greeter.SayHello"));
        assertThat(plain.resolve("/foo-bar/baz")).contains(new Route("foo-bar", "FooBar.Baz"));
    }

    @Test
    void threeSegmentsWithAVersionKeepTheVersionInTheService() {
        assertThat(plain.resolve("/v1/greeter/hello")).contains(new Route("v1.greeter", "Greeter.Hello"));
        assertThat(plain.resolve("/v12/greeter/hello")).contains(new Route("v12.greeter", "Greeter.Hello"));
        // not a version: "va", "v" alone
        assertThat(plain.resolve("/va/greeter/hello")).contains(new Route("va", "Greeter.Hello"));
        assertThat(plain.resolve("/v/greeter/hello")).contains(new Route("v", "Greeter.Hello"));
    }

    @Test
    void moreSegmentsLeaveTheLastTwoToTheEndpoint() {
        assertThat(plain.resolve("/greeter/say/hello")).contains(new Route("greeter", "Say.Hello"));
        assertThat(plain.resolve("/foo/bar/baz/qux")).contains(new Route("foo.bar", "Baz.Qux"));
        assertThat(plain.resolve("/v1/foo/bar/baz")).contains(new Route("v1.foo", "Bar.Baz"));
    }

    @Test
    void thePathIsCleanedFirst() {
        assertThat(plain.resolve("//greeter/./x/../hello/")).contains(new Route("greeter", "Greeter.Hello"));
        assertThat(plain.resolve("/")).isEqualTo(Optional.empty());
        assertThat(plain.resolve("/..")).isEqualTo(Optional.empty());
    }

    @Test
    void theNamespaceIsJoinedByGoMicrosRule() {
        assertThat(new Resolver("go.micro.api").resolve("/greeter/hello"))
                .contains(new Route("go.micro.api.greeter", "Greeter.Hello"));
        assertThat(new Resolver("go.micro.api.").resolve("/greeter/hello"))
                .contains(new Route("go.micro.api.greeter", "Greeter.Hello"));
        // a namespace ending in "-": every "." of the name becomes "-"
        assertThat(new Resolver("acme-").resolve("/v1/greeter/hello"))
                .contains(new Route("acme-v1-greeter", "Greeter.Hello"));
        assertThat(new Resolver("  ").resolve("/greeter/hello")).contains(new Route("greeter", "Greeter.Hello"));
    }
}
