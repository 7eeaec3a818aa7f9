package io.microcdi.transport.http;

import io.microcdi.metadata.Metadata;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpWireTest {

    @Test
    void encodesHeadersAndOwnsTheFraming() {
        Metadata md = Metadata.of("Content-Type", "application/json", "content-length", "999", "Host", "x",
                "Connection", "keep-alive", "Transfer-Encoding", "chunked", "X-Id", "7");

        ByteBuf buf = HttpWire.encode(UnpooledByteBufAllocator.DEFAULT, HttpWire.STATUS_200, HttpWire.CONNECTION_CLOSE,
                md, "{}".getBytes(StandardCharsets.UTF_8), new HttpWire.HeaderWriter());
        try {
            assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK\r\n"
                    + "Connection: close\r\nContent-Type: application/json\r\nX-Id: 7\r\nContent-Length: 2\r\n\r\n{}");
        } finally {
            buf.release();
        }
    }

    @Test
    void writesLengthsOfEveryMagnitude() {
        for (int n : new int[] {0, 9, 10, 99, 100, 12345, 1_000_000}) {
            ByteBuf buf = HttpWire.encode(UnpooledByteBufAllocator.DEFAULT, HttpWire.STATUS_200, null,
                    Metadata.empty(), new byte[n], new HttpWire.HeaderWriter());
            try {
                String head = buf.toString(0, Math.min(64, buf.readableBytes()), StandardCharsets.US_ASCII);
                assertThat(head).contains("Content-Length: " + n + "\r\n\r\n");
                assertThat(buf.readableBytes()).isEqualTo(("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n")
                        .length() + n);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void parsesAndFormatsAddresses() {
        assertThat(HttpWire.parse("127.0.0.1:8080", false)).isEqualTo(InetSocketAddress.createUnresolved(
                "127.0.0.1", 8080));
        assertThat(HttpWire.parse("[::1]:9", false).getHostString()).isEqualTo("::1");
        assertThat(HttpWire.parse(":0", true).getAddress().isAnyLocalAddress()).isTrue();
        assertThat(HttpWire.format(new InetSocketAddress("127.0.0.1", 80))).isEqualTo("127.0.0.1:80");
        assertThat(HttpWire.format(new InetSocketAddress("::1", 80))).isEqualTo("[::1]:80");
        assertThatThrownBy(() -> HttpWire.parse("nope", false)).hasMessageContaining("host:port");
        assertThatThrownBy(() -> HttpWire.parse("h:70000", false)).hasMessageContaining("port");
    }

    @Test
    void readsNonAsciiHeaderValuesAsUtf8() {
        String latin1View = new String("名前 ü".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        assertThat(HttpWire.fromWire(latin1View)).isEqualTo("名前 ü");
        assertThat(HttpWire.fromWire("plain")).isSameAs("plain");
        assertThat(HttpWire.fromWire("caf\u00e9")).isEqualTo("caf\u00e9"); // not UTF-8: kept as read
    }
}
