package io.microcdi.client.rpc;

import io.microcdi.client.Request;
import io.microcdi.codec.Codecs;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A service's settings ({@code micro.client.<service>.*}) and its endpoints' templates, built at its first call and
 * kept by the client.
 *
 * <pre>{@code
 * ServiceCalls calls = new ServiceCalls(config.forService(source, "greeter"), codecs);
 * EndpointTemplate hello = calls.endpoint(request);   // the same object for every call of Greeter.Hello
 * }</pre>
 */
final class ServiceCalls {
    final RpcClientConfig.ServiceSettings settings;
    final Codecs codecs;
    final ConcurrentHashMap<String, EndpointTemplate> endpoints = new ConcurrentHashMap<>();
    /** The protocol calls prefer for nodes that speak several ({@code micro.client.<service>.protocol}). */
    final String protocol;

    ServiceCalls(RpcClientConfig.ServiceSettings settings, Codecs codecs) {
        this(settings, codecs, ClientProtocols.MUCP);
    }

    ServiceCalls(RpcClientConfig.ServiceSettings settings, Codecs codecs, String protocol) {
        this.settings = settings;
        this.codecs = codecs;
        this.protocol = protocol;
    }

    EndpointTemplate endpoint(Request r) {
        EndpointTemplate e = endpoints.get(r.endpoint());
        if (e == null || !r.contentType().equals(e.contentType)) {
            e = new EndpointTemplate(r, settings.options().select(), codecs.envelope(r.contentType()), protocol);
            endpoints.put(r.endpoint(), e);
        }
        return e;
    }
}
