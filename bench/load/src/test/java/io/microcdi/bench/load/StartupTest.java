package io.microcdi.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartupTest {

    @Test
    void readsTheGreetersOwnStartTimeWhateverTheGrouping() {
        // as java.util.logging prints Micro's line (MessageFormat groups the thousands by the JVM's locale)
        List<String> log = List.of(
                "Dec 07, 2026 11:48:41 PM io.microcdi.server.rpc.RpcServer start",
                "INFO: serving [greeter, greeter-proto] on 127.0.0.1:38883 (registry mdns, transport http)",
                "Dec 07, 2026 11:48:41 PM io.microcdi.Micro run",
                "INFO: started in 3,241 ms, listening on 127.0.0.1:38883");
        assertThat(Startup.selfReported(log)).isEqualTo(OptionalLong.of(3241));
        assertThat(Startup.selfReported(List.of("INFO: started in 3.241 ms, listening on x"))).hasValue(3241);
        assertThat(Startup.selfReported(List.of("INFO: started in 3\u202f241 ms, listening on x"))).hasValue(3241);
        assertThat(Startup.selfReported(List.of("INFO: started in 812 ms, listening on x"))).hasValue(812);
        assertThat(Startup.selfReported(List.of("INFO: serving [greeter]"))).isEmpty();
    }

    @Test
    void variantsNameAJarOrJvmOptions() {
        List<Startup.Variant> vs = Startup.variants("g.jar",
                "c1: -XX:TieredStopAtLevel=1 -Xshare:auto; before: /tmp/b/greeter.jar");
        assertThat(vs).containsExactly(
                new Startup.Variant("jar", "g.jar", List.of()),
                new Startup.Variant("c1", "g.jar", List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto")),
                new Startup.Variant("before", "/tmp/b/greeter.jar", List.of()));
        assertThat(vs.get(0).metric("start-to-registered")).isEqualTo("greeter-start-to-registered");
        assertThat(vs.get(1).metric("idle-rss")).isEqualTo("greeter-idle-rss-c1");
        assertThat(Startup.variants("g.jar", null)).hasSize(1);
    }

    @Test
    void aVariantWithoutALabelOrWithATakenOneIsRefused() {
        assertThatThrownBy(() -> Startup.variants("g.jar", "-XX:TieredStopAtLevel=1"))
                .hasMessageContaining("expected: label: words");
        assertThatThrownBy(() -> Startup.variants("g.jar", "jar: -Xmx64m")).hasMessageContaining("not \"jar\"");
        assertThatThrownBy(() -> Startup.variants("g.jar", "a: -Xmx64m; a: -Xmx32m")).hasMessageContaining("twice");
    }
}
