package io.microcdi.codec;

import io.microcdi.config.MicroConfig;

/**
 * Makes a {@link Codec}. Every codec found is active, keyed by its content type.
 *
 * <pre>{@code
 * public String name() { return "json"; }
 * public Codec create(MicroConfig config) { return new JsonCodec(); }
 * }</pre>
 */
public interface CodecProvider {

    /** The plugin name, lower case. */
    String name();

    /**
     * A new codec, or {@code null} when what it needs is missing from the class path (an optional library such as
     * protobuf-java): it is then left out, and its content type is unsupported.
     */
    Codec create(MicroConfig config);
}
