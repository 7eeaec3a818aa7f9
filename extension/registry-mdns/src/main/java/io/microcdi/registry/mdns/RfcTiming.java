package io.microcdi.registry.mdns;

import javax.jmdns.impl.DNSIncoming;
import javax.jmdns.impl.DNSTaskStarter;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.ServiceInfoImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.tasks.state.Announcer;
import javax.jmdns.impl.tasks.state.Prober;
import java.net.InetAddress;
import java.util.Timer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Probes and announces on RFC 6762's schedule for the mDNS hosts MicroCDI creates: three probes 250 ms apart after
 * a random 0 to 250 ms, then the first announcement at once and the second a second later.
 *
 * <pre>{@code
 * RfcTiming.install();   // once, before JmDNS.create(address, "microcdi-...")
 * }</pre>
 *
 * <p>Why: jmdns 3.6.5 probes a host that has not yet announced itself (every host, right after it starts) once a
 * second, and waits a second before its first announcement, so a new node became visible about four seconds after
 * it registered; with this schedule it is under one. jmdns's own back-off after many probes (a name conflict storm)
 * is kept. Everything but probing and announcing is left to jmdns's own task starter, and only hosts named
 * {@value #HOST_PREFIX}... are affected: other users of jmdns in the same JVM keep its behaviour.
 *
 * <p>This uses jmdns's task starter delegate ({@code DNSTaskStarter.Factory.setClassDelegate}), a public extension
 * point of its {@code impl} package; re-run the mDNS tests when upgrading jmdns.
 */
final class RfcTiming implements DNSTaskStarter {

    /** The prefix of the host names whose timing this changes. */
    static final String HOST_PREFIX = "microcdi-";

    private static final int PROBE_INTERVAL_MILLIS = DNSConstants.PROBE_WAIT_INTERVAL;
    private static final int ANNOUNCE_INTERVAL_MILLIS = DNSConstants.ANNOUNCE_WAIT_INTERVAL;
    private static boolean installed;

    private final JmDNSImpl dns;
    private final DNSTaskStarter jmdnsOwn;
    private final Timer stateTimer;

    private RfcTiming(JmDNSImpl dns) {
        this.dns = dns;
        this.jmdnsOwn = new DNSTaskStarter.DNSTaskStarterImpl(dns);
        this.stateTimer = new Timer("microcdi-mdns-state(" + dns.getName() + ")", true);
    }

    /** Installs the delegate once, keeping any delegate installed before for the other hosts. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        DNSTaskStarter.Factory.ClassDelegate previous = DNSTaskStarter.Factory.classDelegate();
        DNSTaskStarter.Factory.setClassDelegate(dns -> {
            String name = dns.getName();
            if (name != null && name.startsWith(HOST_PREFIX)) {
                return new RfcTiming(dns);
            }
            return previous != null ? previous.newDNSTaskStarter(dns) : new DNSTaskStarter.DNSTaskStarterImpl(dns);
        });
        installed = true;
    }

    @Override
    public void startProber() {
        new Prober(dns) {
            @Override
            public void start(Timer ignored) {
                if (getDns().isCanceling() || getDns().isCanceled()) {
                    return;
                }
                if (backOff()) {
                    stateTimer.schedule(this, DNSConstants.PROBE_CONFLICT_INTERVAL, DNSConstants.PROBE_CONFLICT_INTERVAL);
                } else {
                    stateTimer.schedule(this, ThreadLocalRandom.current().nextInt(PROBE_INTERVAL_MILLIS + 1),
                            PROBE_INTERVAL_MILLIS);
                }
            }
        }.start(stateTimer);
    }

    /** jmdns's throttle: more than {@code PROBE_THROTTLE_COUNT} probes within five seconds slows probing down. */
    private boolean backOff() {
        long now = System.currentTimeMillis();
        if (now - dns.getLastThrottleIncrement() < DNSConstants.PROBE_THROTTLE_COUNT_INTERVAL) {
            dns.setThrottle(dns.getThrottle() + 1);
        } else {
            dns.setThrottle(1);
        }
        dns.setLastThrottleIncrement(now);
        return dns.getThrottle() >= DNSConstants.PROBE_THROTTLE_COUNT;
    }

    @Override
    public void startAnnouncer() {
        new Announcer(dns) {
            @Override
            public void start(Timer ignored) {
                if (!getDns().isCanceling() && !getDns().isCanceled()) {
                    stateTimer.schedule(this, 0, ANNOUNCE_INTERVAL_MILLIS);
                }
            }
        }.start(stateTimer);
    }

    @Override
    public void purgeStateTimer() {
        jmdnsOwn.purgeStateTimer();
        stateTimer.purge();
    }

    @Override
    public void cancelStateTimer() {
        jmdnsOwn.cancelStateTimer();
        stateTimer.cancel();
    }

    @Override
    public void purgeTimer() {
        jmdnsOwn.purgeTimer();
    }

    @Override
    public void cancelTimer() {
        jmdnsOwn.cancelTimer();
    }

    @Override
    public void startRenewer() {
        jmdnsOwn.startRenewer();
    }

    @Override
    public void startCanceler() {
        jmdnsOwn.startCanceler();
    }

    @Override
    public void startReaper() {
        jmdnsOwn.startReaper();
    }

    @Override
    public void startServiceInfoResolver(ServiceInfoImpl info) {
        jmdnsOwn.startServiceInfoResolver(info);
    }

    @Override
    public void startTypeResolver() {
        jmdnsOwn.startTypeResolver();
    }

    @Override
    public void startServiceResolver(String type) {
        jmdnsOwn.startServiceResolver(type);
    }

    @Override
    public void startResponder(DNSIncoming in, InetAddress address, int port) {
        jmdnsOwn.startResponder(in, address, port);
    }
}
