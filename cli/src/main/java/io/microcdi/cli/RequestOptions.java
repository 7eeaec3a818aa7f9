package io.microcdi.cli;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.metadata.Metadata;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options of a request ({@code call} and {@code stream}): where it goes, how its body is encoded, what travels
 * with it and how long it may take.
 *
 * <pre>{@code
 * micro call --address 127.0.0.1:8080 --metadata X-Tenant=acme --timeout 2s greeter Greeter.Hello '{"name":"Ann"}'
 * }</pre>
 */
final class RequestOptions {

    @Option(names = "--address", paramLabel = "HOST:PORT",
            description = "Call this node directly, without the registry: any node that speaks Go Micro's RPC "
                    + "(a Go Micro service too). One attempt, no retry.")
    String address;

    @Option(names = "--content-type", paramLabel = "TYPE", defaultValue = "application/json",
            description = "The body's content type (default: ${DEFAULT-VALUE}): application/json, "
                    + "application/json-rpc, application/octet-stream, application/protobuf, "
                    + "application/proto-rpc.")
    String contentType;

    @Option(names = {"-m", "--metadata"}, paramLabel = "KEY=VALUE",
            description = "A header sent with the request (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "The call's budget, retries included (default: micro.client.request-timeout, 5s; for a "
                    + "stream, how long opening it may take).")
    Duration timeout;

    /** The client: the configured one, or one bound to {@code --address}. */
    Client client(Session session) {
        return address == null ? session.client()
                : session.directClient(DirectSelector.checkAddress("--address", address));
    }

    /** The options of calls to {@code service}: its {@code micro.client.<service>.*}, then these options. */
    CallOptions callOptions(Client client, String service) {
        CallOptions options = client.defaultOptions(service);
        if (timeout != null) {
            options = options.withRequestTimeout(timeout);
        }
        // one node named: trying it again on a failure would only fail again
        return address == null ? options : options.withRetries(0);
    }

    Metadata metadata() {
        return Metadata.from(metadata);
    }
}
