package io.microcdi.rpc;

import io.microcdi.config.MicroConfig;
import io.microcdi.transport.Transport;
import io.microcdi.transport.http.HttpTransport;
import io.microcdi.transport.http.HttpTransportConfig;

/** {@link StreamingRpcContract} over the HTTP transport on loopback: HTTP/1.1, one connection per stream. */
class HttpStreamingRpcTest extends StreamingRpcContract {

    @Override
    protected Transport transport(MicroConfig config) {
        // h2-streams off: this contract run keeps covering Go Micro's HTTP/1.1 streams (Http2StreamingRpcTest: HTTP/2)
        return new HttpTransport(HttpTransportConfig.from(config).withH2Streams(false));
    }
}
