package io.microcdi.codec.bytes;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecProvider;
import io.microcdi.config.MicroConfig;

/**
 * Provides {@link BytesCodec} under the name {@code bytes}.
 *
 * <pre>{@code
 * ServiceLoader.load(CodecProvider.class)   // finds it through META-INF/services
 * }</pre>
 */
public final class BytesCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "bytes";
    }

    @Override
    public Codec create(MicroConfig config) {
        return new BytesCodec();
    }
}
