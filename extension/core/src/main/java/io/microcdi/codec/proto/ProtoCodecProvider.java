package io.microcdi.codec.proto;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecProvider;
import io.microcdi.config.MicroConfig;

/**
 * Provides {@link ProtoCodec} under the name {@code proto} when protobuf-java is on the class path (an optional
 * dependency); without it, no codec, and {@code application/protobuf} is unsupported.
 *
 * <pre>{@code
 * <dependency><groupId>com.google.protobuf</groupId><artifactId>protobuf-java</artifactId></dependency>
 * }</pre>
 */
public final class ProtoCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "proto";
    }

    @Override
    public Codec create(MicroConfig config) {
        // ProtoCodec names protobuf types: touch it only once they are known to load
        return Protobuf.present(ProtoCodecProvider.class) ? new ProtoCodec() : null;
    }
}
