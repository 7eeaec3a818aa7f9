package io.microcdi.codec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The codecs in use, looked up by content type.
 *
 * <pre>{@code
 * Codec codec = codecs.get("application/json; charset=utf-8");   // parameters are ignored
 * }</pre>
 */
public final class Codecs {

    private final Map<String, Codec> byType;

    private Codecs(Map<String, Codec> byType) {
        this.byType = byType;
    }

    /**
     * The given codecs; a later codec for the same content type replaces an earlier one, and {@code null} entries
     * (providers whose library is missing) are left out.
     */
    public static Codecs of(Collection<? extends Codec> codecs) {
        Map<String, Codec> m = new LinkedHashMap<>();
        for (Codec c : codecs) {
            if (c != null) {
                m.put(c.contentType().toLowerCase(Locale.ROOT), c);
            }
        }
        return new Codecs(Map.copyOf(m));
    }

    /** The codec for {@code contentType} (parameters such as {@code charset} ignored), or {@code null}. */
    public Codec get(String contentType) {
        if (contentType == null) {
            return null;
        }
        Codec c = byType.get(contentType);
        if (c != null) {
            return c;
        }
        int semi = contentType.indexOf(';');
        String bare = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return byType.get(bare);
    }

    /** The content types served, in alphabetical order, for error messages. */
    public List<String> contentTypes() {
        return byType.keySet().stream().sorted().toList();
    }

    /** The envelope codec for {@code contentType} (see {@link #get}), or {@code null} when it is a plain one or none. */
    public Envelope envelope(String contentType) {
        return get(contentType) instanceof Envelope e ? e : null;
    }
}
