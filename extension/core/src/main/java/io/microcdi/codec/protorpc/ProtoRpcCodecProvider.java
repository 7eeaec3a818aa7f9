package io.microcdi.codec.protorpc;

import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecProvider;
import io.microcdi.codec.proto.Protobuf;
import io.microcdi.config.MicroConfig;

/**
 * Provides {@link ProtoRpcCodec} under the name {@code protorpc} when protobuf-java is on the class path.
 *
 * <pre>{@code
 * ServiceLoader.load(CodecProvider.class)   // finds it through META-INF/services
 * }</pre>
 */
public final class ProtoRpcCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "protorpc";
    }

    @Override
    public Codec create(MicroConfig config) {
        return Protobuf.present(ProtoRpcCodecProvider.class) ? new ProtoRpcCodec() : null;
    }
}
