package io.microcdi.transport.memory;

import io.microcdi.internal.transport.PathTransport;
import io.microcdi.metadata.Metadata;
import io.microcdi.transport.Listener;
import io.microcdi.transport.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory transport carries the path of a post and the status of its answer, as the HTTP one does. */
class MemoryTransportPostTest {

    private final MemoryTransport transport = new MemoryTransport();

    @AfterEach
    void close() {
        transport.close();
    }

    @Test
    void aPostCarriesItsPathAndItsAnswerItsStatus() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Listener l = transport.listen("127.0.0.1:0", ex -> {
            seen.add(ex.method() + " " + ex.path());
            ex.reply(ex.path().equals("/") ? 200 : 503, ex.request());
        });
        Message m = new Message(Metadata.of("A", "b"), new byte[] {7});

        PathTransport.Reply reply = transport.post(l.address(), "/_sub?id=x", m, Duration.ofSeconds(5)).join();
        Message rpc = transport.send(l.address(), m, Duration.ofSeconds(5)).join();

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.message().body()).containsExactly(7);
        assertThat(rpc.header().get("a")).isEqualTo("b");
        assertThat(seen).containsExactly("POST /_sub?id=x", "POST /");
    }
}
