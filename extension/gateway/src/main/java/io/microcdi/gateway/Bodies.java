package io.microcdi.gateway;

import io.microcdi.errors.MicroException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads request bodies up to the gateway's size limit, refusing a larger one before reading it all. */
final class Bodies {

    private static final byte[] NONE = new byte[0];

    private Bodies() {
    }

    /**
     * The body of {@code in} ({@code null}: none), at most {@code max} bytes.
     *
     * @throws MicroException 413 when {@code Content-Length} announces more, or more arrives
     */
    static byte[] read(InputStream in, String contentLength, long max) throws IOException {
        if (in == null) {
            return NONE;
        }
        if (contentLength != null) {
            try {
                long announced = Long.parseLong(contentLength.trim());
                if (announced > max) {
                    throw tooLarge(announced + " bytes", max);
                }
            } catch (NumberFormatException ignored) {
                // the runtime answers a bad Content-Length itself; the bytes read are limited below anyway
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] buf = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > max) {
                throw tooLarge("more than " + max + " bytes", max);
            }
            out.write(buf, 0, n);
        }
        return total == 0 ? NONE : out.toByteArray();
    }

    private static MicroException tooLarge(String size, long max) {
        return new MicroException(Reply.ID, 413, "request body of " + size + " exceeds "
                + GatewayConfig.MAX_BODY_SIZE + " (" + max + " bytes)", MicroException.statusText(413));
    }
}
