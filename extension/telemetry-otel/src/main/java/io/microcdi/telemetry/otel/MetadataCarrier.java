package io.microcdi.telemetry.otel;

import io.microcdi.metadata.Metadata;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;

import java.util.ArrayList;
import java.util.List;

/**
 * Go Micro's metadata as the carrier of OpenTelemetry's propagators: read from a {@link Metadata} (keys matched
 * ignoring case, so Go Micro's {@code Traceparent} is found), written into a {@link Metadata.Builder}.
 *
 * <pre>{@code
 * Context parent = propagator.extract(Context.root(), headers, MetadataCarrier.GETTER);
 * Metadata.Builder b = headers.toBuilder(2);
 * propagator.inject(context, b, MetadataCarrier.SETTER);
 * }</pre>
 */
final class MetadataCarrier {

    /** Reads headers; stateless, shared. */
    static final TextMapGetter<Metadata> GETTER = new Getter();
    /** Writes headers, replacing an entry of the same key in another case; stateless, shared. */
    static final TextMapSetter<Metadata.Builder> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };

    private MetadataCarrier() {
    }

    private static final class Getter implements TextMapGetter<Metadata> {

        /** Only propagators that scan every key (not W3C's) call this: a copy of the keys is fine there. */
        @Override
        public Iterable<String> keys(Metadata carrier) {
            List<String> keys = new ArrayList<>(carrier.size());
            carrier.forEach((k, v) -> keys.add(k));
            return keys;
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }

        @Override
        public String toString() {
            return "MetadataCarrier.GETTER";
        }
    }
}
