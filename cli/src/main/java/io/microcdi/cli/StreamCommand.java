package io.microcdi.cli;

import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.StreamingClient;
import io.microcdi.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * {@code micro stream SERVICE ENDPOINT}: opens a stream, sends each line of standard input as a message and prints
 * each message of the answer on a line of its own, until both sides ended.
 *
 * <pre>{@code
 * $ printf '{"name":"Ann"}\n{"name":"Bob"}\n' | micro stream greeter Greeter.Chat
 * {"greeting":"Hello Ann"}
 * {"greeting":"Hello Bob"}
 * }</pre>
 *
 * <p>Both ways run with backpressure, as the framework's client streams: a line is read only when the stream can
 * take it, and answers are asked for only as fast as they are printed. The end of standard input ends this side
 * (Go Micro's {@code EOS}); the command ends when the service ended its side.
 */
@Command(name = "stream", description = {"Opens a stream to ENDPOINT of SERVICE: each line of standard input is a "
        + "message (JSON by default), each message of the answer is printed on a line.",
        "The end of standard input ends this side; the command ends when the service ends its side."})
final class StreamCommand extends Subcommand {

    /** Answers asked for ahead of printing. */
    private static final int WINDOW = 64;

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service name.")
    String service;

    @Parameters(index = "1", paramLabel = "ENDPOINT", description = "The streaming endpoint (Greeter.Chat).")
    String endpoint;

    @Mixin
    RequestOptions request;

    @Override
    public Integer call() {
        Client client = request.client(session());
        if (!(client instanceof StreamingClient streams)) {
            throw new ConfigException("micro.client=" + client.name()
                    + " (expected: a client that opens streams, such as rpc)");
        }
        Request open = new Request(service, endpoint, request.contentType, new byte[0], request.metadata());
        CompletableFuture<Void> done = new CompletableFuture<>();
        streams.stream(open, new LinePublisher(micro().in()), request.callOptions(client, service))
                .subscribe(new Printer(done));
        done.join();
        return 0;
    }

    /** Prints each answer, asking for one more per answer printed. */
    private final class Printer implements Flow.Subscriber<Response> {

        private final CompletableFuture<Void> done;
        private Flow.Subscription subscription;

        Printer(CompletableFuture<Void> done) {
            this.done = done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(WINDOW);
        }

        @Override
        public void onNext(Response response) {
            Output.body(out(), response.body(),
                    response.header().getOrDefault("Content-Type", request.contentType));
            subscription.request(1);
        }

        @Override
        public void onError(Throwable e) {
            done.completeExceptionally(e);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }
}
