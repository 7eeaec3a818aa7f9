package io.microcdi.registry.mdns;

import javax.jmdns.JmDNS;
import javax.jmdns.impl.DNSEntry;
import javax.jmdns.impl.DNSRecord;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.constants.DNSRecordClass;
import javax.jmdns.impl.constants.DNSRecordType;
import java.util.Collection;

/**
 * Reads jmdns's record cache to see a goodbye the moment it arrives.
 *
 * <pre>{@code
 * if (cache.srv("greeter-5f1c._micro._tcp.local.") == RecordCache.State.GOODBYE) forget(node);
 * }</pre>
 *
 * <p>Why: on a goodbye (TTL 0) jmdns only sets the cached record to expire in one second (RFC 6762 section 10.1) and
 * tells its listeners when its reaper next runs, up to ten seconds later. The record's TTL drops to 1 at once, so
 * polling the SRV record of each known node shows the goodbye within one poll. This uses jmdns's public but
 * internal {@code javax.jmdns.impl} types (checked against 3.6.5); if they ever change shape, {@link #srv} answers
 * {@link State#UNKNOWN} and the registry falls back on jmdns's own (slower) removal events.
 */
final class RecordCache {

    private static final System.Logger LOG = System.getLogger(RecordCache.class.getName());

    /** What the cache says about a node's SRV record. */
    enum State { ABSENT, LIVE, GOODBYE, UNKNOWN }

    private volatile JmDNSImpl impl;

    RecordCache(JmDNS jmdns) {
        this.impl = jmdns instanceof JmDNSImpl i ? i : null;
    }

    /** The state of the SRV record(s) of {@code qualifiedName}: a goodbye only when every one of them said it. */
    State srv(String qualifiedName) {
        JmDNSImpl cache = impl;
        if (cache == null) {
            return State.UNKNOWN;
        }
        try {
            Collection<? extends DNSEntry> entries =
                    cache.getCache().getDNSEntryList(qualifiedName, DNSRecordType.TYPE_SRV, DNSRecordClass.CLASS_ANY);
            if (entries.isEmpty()) {
                return State.ABSENT;
            }
            for (DNSEntry entry : entries) {
                // An old SRV record flushed by a newer one also drops to TTL 1; a live one beside it means no goodbye.
                if (!(entry instanceof DNSRecord record) || record.getTTL() > 1) {
                    return State.LIVE;
                }
            }
            return State.GOODBYE;
        } catch (RuntimeException | LinkageError e) {
            impl = null;
            LOG.log(System.Logger.Level.WARNING,
                    "mdns: cannot read the jmdns record cache ({0}); goodbyes now take effect when jmdns reaps them",
                    e.toString());
            return State.UNKNOWN;
        }
    }
}
