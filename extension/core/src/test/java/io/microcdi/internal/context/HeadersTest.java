package io.microcdi.internal.context;

import io.microcdi.context.CallContexts;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeadersTest {

    @Test
    void theProtocolsOwnHeadersAreNotMetadata() {
        Metadata received = Metadata.of("Content-Type", "application/json", "Micro-Id", "1", "X-Micro-Id", "1",
                "Micro-Endpoint", "Greeter.Hello", "micro-from-service", "gateway", "Timeout", "5000000",
                "Host", "127.0.0.1:1", "User-Agent", "curl", "Content-Length", "2", "Accept", "application/json",
                "X-Tenant", "acme", "Authorization", "Bearer t", "traceparent", "00-aa-bb-01", "X-Microscope", "kept",
                "Proxy-Authorization", "Basic p", "Cookie", "s=1", "Connection", "keep-alive");

        Metadata md = InboundHeaders.metadata(received);

        assertThat(md.asMap()).containsOnlyKeys("X-Tenant", "Authorization", "traceparent", "X-Microscope");
    }

    @Test
    void noCopyWhenNothingOrEverythingIsCarried() {
        Metadata protocol = Metadata.of("Content-Type", "application/json", "Micro-Id", "1");
        Metadata caller = Metadata.of("X-A", "1", "X-B", "2");

        assertThat(InboundHeaders.metadata(protocol)).isSameAs(Metadata.empty());
        assertThat(InboundHeaders.metadata(caller)).isSameAs(caller);
    }

    @Test
    void outboundCarriesTheInboundMetadataUnderTheSendersAndNamesTheService() {
        var inbound = CallContexts.call("frontend", "Frontend.Get", "", "", 0,
                Metadata.of("X-Tenant", "acme", "X-Request-Id", "r1"));

        Metadata sent = OutboundHeaders.metadata(Metadata.of("x-request-id", "r2"), inbound);

        assertThat(sent.get("X-Tenant")).isEqualTo("acme");
        assertThat(sent.get("X-Request-Id")).isEqualTo("r2"); // the sender's own value wins
        assertThat(sent.get("Micro-From-Service")).isEqualTo("frontend");
        assertThat(sent.get("X-Micro-From-Service")).isEqualTo("frontend");
        Metadata own = Metadata.of("X-A", "1");
        assertThat(OutboundHeaders.metadata(own, CallContexts.current())).isSameAs(own); // outside any call
    }
}
