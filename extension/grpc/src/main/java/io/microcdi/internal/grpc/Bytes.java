package io.microcdi.internal.grpc;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The marshaller of MicroCDI's gRPC methods: a message is its encoded bytes. Which codec made or reads them depends
 * on the call's content type ({@code application/grpc+json} or protobuf), known only once the call's headers are, so
 * the codec runs in the call, with the decoder and encoder the method resolved at start.
 *
 * <pre>{@code
 * MethodDescriptor.<byte[], byte[]>newBuilder(Bytes.MARSHALLER, Bytes.MARSHALLER)
 * }</pre>
 */
public final class Bytes implements MethodDescriptor.Marshaller<byte[]> {

    /** The one instance: it holds no state. */
    public static final Bytes MARSHALLER = new Bytes();

    private Bytes() {
    }

    @Override
    public InputStream stream(byte[] value) {
        return new Out(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes gRPC can size up front and drain into its buffer in one copy. */
    private static final class Out extends ByteArrayInputStream implements KnownLength, Drainable {
        Out(byte[] data) {
            super(data);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
