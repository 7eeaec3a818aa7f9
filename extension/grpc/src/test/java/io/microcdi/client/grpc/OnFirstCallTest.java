package io.microcdi.client.grpc;

import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Message;
import io.microcdi.transport.TransportException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's gRPC protocol is made by its first call, not by the start of every rpc client. */
class OnFirstCallTest {

    private static Message hello() {
        return new Message(Metadata.of("Micro-Service", "greeter", "Micro-Endpoint", "Greeter.Hello",
                "Content-Type", "application/json"), "{}".getBytes());
    }

    @Test
    void theProviderHandsOutATransportThatMakesNothingUntilACall() throws Exception {
        OnFirstCall grpc = (OnFirstCall) new GrpcProtocolProvider().create(null);
        assertThat(grpc.made()).isFalse();
        grpc.disconnect("127.0.0.1:1"); // nothing to disconnect: still nothing made
        assertThat(grpc.nodeMetadata()).isEmpty();
        assertThat(grpc.made()).isFalse();

        // port 1 on loopback: nothing listens, so the call fails, but it went through a real GrpcClientTransport
        var call = grpc.send("127.0.0.1:1", hello(), Duration.ofSeconds(5));
        assertThat(grpc.made()).isTrue();
        assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class);
        grpc.close();
    }

    @Test
    void closedBeforeAnyCallItStaysClosed() {
        OnFirstCall grpc = new OnFirstCall();
        grpc.close();
        assertThat(grpc.made()).isFalse();

        assertThatThrownBy(() -> grpc.send("127.0.0.1:1", hello(), Duration.ofSeconds(1)).get())
                .hasCauseInstanceOf(TransportException.class).hasMessageContaining("closed");
    }
}
