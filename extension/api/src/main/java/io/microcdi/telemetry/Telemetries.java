package io.microcdi.telemetry;

import io.microcdi.config.MicroConfig;
import io.microcdi.metadata.Metadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.ToDoubleFunction;

/**
 * Finds the {@link TelemetryProvider}s on the class path and combines the telemetries they make into one.
 *
 * <pre>{@code
 * Telemetry telemetry = Telemetries.load(getClass().getClassLoader(), config, beans);   // NONE when there is none
 * }</pre>
 */
public final class Telemetries {

    private Telemetries() {
    }

    /** The telemetry of every provider {@code loader} finds that makes one; {@link Telemetry#NONE} if none does. */
    public static Telemetry load(ClassLoader loader, MicroConfig config, TelemetryProvider.Beans beans) {
        List<Telemetry> found = new ArrayList<>();
        for (TelemetryProvider p : ServiceLoader.load(TelemetryProvider.class, loader)) {
            p.create(config, beans).filter(Telemetry::enabled).ifPresent(found::add);
        }
        return of(found);
    }

    /** One telemetry reporting to all of {@code telemetries}: the one itself, or {@link Telemetry#NONE} for none. */
    public static Telemetry of(List<Telemetry> telemetries) {
        List<Telemetry> on = telemetries.stream().filter(Telemetry::enabled).toList();
        return switch (on.size()) {
            case 0 -> Telemetry.NONE;
            case 1 -> on.get(0);
            default -> new Both(on.toArray(new Telemetry[0]));
        };
    }

    /** Several telemetries as one; an observation of each, combined. */
    private static final class Both implements Telemetry {
        private final Telemetry[] all;

        Both(Telemetry[] all) {
            this.all = all;
        }

        @Override
        public boolean traces() {
            for (Telemetry t : all) {
                if (t.traces()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Observation serverCall(String protocol, String service, String endpoint, Metadata headers) {
            Observation[] o = new Observation[all.length];
            for (int i = 0; i < all.length; i++) {
                o[i] = all[i].serverCall(protocol, service, endpoint, headers);
            }
            return Joined.of(o);
        }

        @Override
        public Observation clientCall(String service, String endpoint) {
            Observation[] o = new Observation[all.length];
            for (int i = 0; i < all.length; i++) {
                o[i] = all[i].clientCall(service, endpoint);
            }
            return Joined.of(o);
        }

        @Override
        public Observation clientAttempt(String protocol, String service, String endpoint, String address,
                                         int attempt, Metadata headers) {
            Observation[] o = new Observation[all.length];
            for (int i = 0; i < all.length; i++) {
                o[i] = all[i].clientAttempt(protocol, service, endpoint, address, attempt, headers);
            }
            return Joined.of(o);
        }

        @Override
        public void retried(String service, String endpoint, int code) {
            for (Telemetry t : all) {
                t.retried(service, endpoint, code);
            }
        }

        @Override
        public void ejected(String service) {
            for (Telemetry t : all) {
                t.ejected(service);
            }
        }

        @Override
        public Observation publish(String broker, String topic, Metadata headers) {
            Observation[] o = new Observation[all.length];
            for (int i = 0; i < all.length; i++) {
                o[i] = all[i].publish(broker, topic, headers);
            }
            return Joined.of(o);
        }

        @Override
        public Observation deliver(String broker, String topic, String queue, String subscriber, Metadata headers) {
            Observation[] o = new Observation[all.length];
            for (int i = 0; i < all.length; i++) {
                o[i] = all[i].deliver(broker, topic, queue, subscriber, headers);
            }
            return Joined.of(o);
        }

        @Override
        public <T> void gauge(String name, String description, Map<String, String> tags, T owner,
                              ToDoubleFunction<T> value) {
            for (Telemetry t : all) {
                t.gauge(name, description, tags, owner, value);
            }
        }

        @Override
        public void close() {
            for (Telemetry t : all) {
                t.close();
            }
        }

        @Override
        public String toString() {
            return "Telemetries" + List.of(all);
        }
    }

    /** The observations of several telemetries as one; those that observe nothing left out. */
    private static final class Joined implements Observation {
        private final Observation[] all;

        private Joined(Observation[] all) {
            this.all = all;
        }

        static Observation of(Observation[] o) {
            int n = 0;
            for (Observation x : o) {
                if (x != Observation.NONE) {
                    o[n++] = x;
                }
            }
            return n == 0 ? Observation.NONE : n == 1 ? o[0] : new Joined(n == o.length ? o : Arrays.copyOf(o, n));
        }

        @Override
        public Metadata propagate(Metadata headers) {
            for (Observation o : all) {
                headers = o.propagate(headers);
            }
            return headers;
        }

        @Override
        public Scope makeCurrent() {
            Scope[] scopes = new Scope[all.length];
            for (int i = 0; i < all.length; i++) {
                scopes[i] = all[i].makeCurrent();
            }
            return () -> {
                for (int i = scopes.length - 1; i >= 0; i--) {
                    scopes[i].close();
                }
            };
        }

        @Override
        public void end(int code, Throwable error) {
            for (Observation o : all) {
                o.end(code, error);
            }
        }
    }
}
