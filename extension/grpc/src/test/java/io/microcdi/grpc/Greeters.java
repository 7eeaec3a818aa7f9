package io.microcdi.grpc;

import io.microcdi.context.CallContext;
import io.microcdi.errors.MicroException;
import io.microcdi.grpc.test.GreeterProtos.HelloReply;
import io.microcdi.grpc.test.GreeterProtos.HelloRequest;
import io.microcdi.stream.Streams;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** The greeters the gRPC tests serve: one in generated protobuf messages, one in records. */
final class Greeters {

    private Greeters() {
    }

    /** Served as service {@code greeter}: {@code /greeter.ProtoGreeter/Hello}, the path greeter.proto names. */
    public static class ProtoGreeter {

        public HelloReply hello(HelloRequest req) {
            if (req.getName().isBlank()) {
                throw MicroException.badRequest("greeter.hello", "name is required");
            }
            if (req.getName().equals("slow")) {
                long left = CallContext.current().remaining().orElseThrow().toMillis();
                try {
                    Thread.sleep(Math.max(0, left) + 200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (req.getName().equals("boom")) {
                throw new IllegalStateException("boom");
            }
            String tenant = CallContext.current().metadata().get("x-tenant");
            return HelloReply.newBuilder().setGreeting("Hello " + req.getName() + (tenant == null ? "" : " of "
                    + tenant)).build();
        }

        public Flow.Publisher<HelloReply> lots(HelloRequest req) {
            List<HelloReply> replies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                replies.add(HelloReply.newBuilder().setGreeting("Hello " + req.getName() + " " + i).build());
            }
            return Streams.fromIterable(replies);
        }

        public CompletionStage<HelloReply> gather(Flow.Publisher<HelloRequest> names) {
            return Streams.toList(names).thenApply(all -> HelloReply.newBuilder().setGreeting("Hello "
                    + String.join(" and ", all.stream().map(HelloRequest::getName).toList())).build());
        }

        public Flow.Publisher<HelloReply> chat(Flow.Publisher<HelloRequest> names) {
            return Streams.map(names, this::hello);
        }
    }

    public record Hello(String name, int times) {
    }

    public record Reply(String greeting, List<String> parts) {
    }

    /** Served as service {@code greeter-records}: records, described by synthesized descriptors. */
    public static class Greeter {

        public Reply hello(Hello req) {
            if (req.name() == null || req.name().isBlank()) {
                throw MicroException.badRequest("greeter-records.hello", "name is required");
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Math.max(1, req.times()); i++) {
                parts.add(req.name());
            }
            return new Reply("Hello " + req.name(), parts);
        }

        public CompletableFuture<Reply> later(Hello req) {
            return CompletableFuture.supplyAsync(() -> hello(req));
        }

        public Flow.Publisher<Reply> chat(Flow.Publisher<Hello> names) {
            return Streams.map(names, this::hello);
        }
    }
}
