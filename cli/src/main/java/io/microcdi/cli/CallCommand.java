package io.microcdi.cli;

import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code micro call SERVICE ENDPOINT [BODY]}: one call through the framework's client (registry, selector, retries),
 * or with {@code --address} straight to one node; prints the answer's body.
 *
 * <pre>{@code
 * $ micro call greeter Greeter.Hello '{"name":"John"}'
 * {"greeting":"Hello John"}
 * $ micro call greeter Greeter.Hello '{}'
 * micro call: 400 Bad Request from greeter.hello: name is required
 * {"id":"greeter.hello","code":400,"detail":"name is required","status":"Bad Request"}
 * }</pre>
 *
 * <p>On the wire it is Go Micro's RPC request: {@code POST /} with {@code Micro-Service}, {@code Micro-Endpoint},
 * {@code Content-Type}, {@code Micro-Id}, {@code Timeout} and the {@code --metadata} headers.
 */
@Command(name = "call", description = {"Calls ENDPOINT of SERVICE once and prints the answer's body (as base64 when "
        + "its content type is not JSON or text: protobuf, octet-stream).",
        "A remote error prints Go Micro's error fields (id, code, detail, status) and exits with 1."})
final class CallCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Parameters(index = "1", paramLabel = "ENDPOINT", description = "The endpoint, Handler.Method (Greeter.Hello).")
    String endpoint;

    @Parameters(index = "2", arity = "0..1", paramLabel = "BODY", defaultValue = "{}",
            description = "The request: JSON text, @FILE for a file's bytes, - for standard input "
                    + "(default: ${DEFAULT-VALUE}).")
    String body;

    @Mixin
    RequestOptions request;

    @Override
    public Integer call() {
        byte[] bytes = Bodies.read(body, micro().in());
        Client client = request.client(session());
        CallOptions options = request.callOptions(client, service);
        Response response = client.call(new Request(service, endpoint, request.contentType, bytes,
                request.metadata()), options).join();
        Output.body(out(), response.body(), contentType(response));
        return 0;
    }

    /** The answer's content type; the request's when the answer names none. */
    private String contentType(Response response) {
        return response.header().getOrDefault("Content-Type", request.contentType);
    }
}
