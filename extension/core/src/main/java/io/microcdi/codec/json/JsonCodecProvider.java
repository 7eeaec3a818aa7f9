package io.microcdi.codec.json;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecProvider;
import io.microcdi.config.MicroConfig;

/**
 * Provides {@link JsonCodec} under the name {@code json}.
 *
 * <pre>{@code
 * ServiceLoader.load(CodecProvider.class)   // finds it through META-INF/services
 * }</pre>
 */
public final class JsonCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "json";
    }

    @Override
    public Codec create(MicroConfig config) {
        return new JsonCodec();
    }
}
