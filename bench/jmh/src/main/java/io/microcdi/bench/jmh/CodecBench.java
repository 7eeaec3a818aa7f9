package io.microcdi.bench.jmh;

import io.microcdi.codec.Codec;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The four JSON steps of a greeter call through {@link JsonCodec}, with encoders and decoders resolved once as the
 * server's routes and the client proxies hold them: the client encodes {@code {"name":"John"}}, the server decodes it
 * and encodes {@code {"greeting":"Hello John"}}, the client decodes that.
 *
 * <pre>{@code
 * java -jar bench/jmh/target/benchmarks.jar CodecBench -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(1)
public class CodecBench {

    private final JsonCodec codec = new JsonCodec();
    private Codec.Encoder requestEncoder;
    private Codec.Decoder<HelloRequest> requestDecoder;
    private Codec.Encoder replyEncoder;
    private Codec.Decoder<HelloReply> replyDecoder;

    private final HelloRequest request = new HelloRequest("John");
    private final HelloReply reply = new HelloReply("Hello John");
    private final byte[] requestJson = "{\"name\":\"John\"}".getBytes(StandardCharsets.UTF_8);
    private final byte[] replyJson = "{\"greeting\":\"Hello John\"}".getBytes(StandardCharsets.UTF_8);

    @Setup
    public void setUp() {
        requestEncoder = codec.encoder(HelloRequest.class);
        requestDecoder = codec.decoder(HelloRequest.class);
        replyEncoder = codec.encoder(HelloReply.class);
        replyDecoder = codec.decoder(HelloReply.class);
    }

    /** Server side: the request body to a {@link HelloRequest}. */
    @Benchmark
    public HelloRequest decodeRequest() {
        return requestDecoder.decode(requestJson);
    }

    /** Server side: the {@link HelloReply} to the response body. */
    @Benchmark
    public byte[] encodeReply() {
        return replyEncoder.encode(reply);
    }

    /** Client side: the {@link HelloRequest} to the request body. */
    @Benchmark
    public byte[] encodeRequest() {
        return requestEncoder.encode(request);
    }

    /** Client side: the response body to a {@link HelloReply}. */
    @Benchmark
    public HelloReply decodeReply() {
        return replyDecoder.decode(replyJson);
    }
}
