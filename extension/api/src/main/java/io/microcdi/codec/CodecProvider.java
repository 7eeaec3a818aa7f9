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

    /** A new codec. */
    Codec create(MicroConfig config);
}
