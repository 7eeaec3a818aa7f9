package io.microcdi.codec.jsonrpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecProvider;
import io.microcdi.config.MicroConfig;

/**
 * Provides {@link JsonRpcCodec} under the name {@code jsonrpc}.
 *
 * <pre>{@code
 * ServiceLoader.load(CodecProvider.class)   // finds it through META-INF/services
 * }</pre>
 */
public final class JsonRpcCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "jsonrpc";
    }

    @Override
    public Codec create(MicroConfig config) {
        return new JsonRpcCodec();
    }
}
