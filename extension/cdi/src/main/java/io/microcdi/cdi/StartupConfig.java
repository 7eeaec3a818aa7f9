package io.microcdi.cdi;

import io.microcdi.client.Client;
import io.microcdi.codec.Codecs;
import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;
import io.microcdi.config.Plugins;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the configuration when the container starts, so that a bad value stops the start instead of the first call
 * that needs it: the plugin names and renamed keys (the {@link Plugins} bean), and, in a process that serves,
 * subscribes, publishes or calls, the settings of its registry, transport, codecs, selector and client (made now,
 * each plugin binding its configuration record as it is made) and every per-service client key.
 *
 * <pre>{@code
 * StartupConfig.check(model, config, beans);   // first thing at Startup; throws ConfigException naming each key
 * }</pre>
 *
 * <p>The server and the broker are made at start already where they are used. A process with none of the above
 * makes nothing: the keys of plugins it never uses are not read.
 */
final class StartupConfig {

    private StartupConfig() {
    }

    static void check(MicroModel model, MicroConfig config, Instance<Object> beans) {
        beans.select(Plugins.class).get(); // its producer reports every unknown name and renamed key at once
        if (model.isEmpty()) {
            return;
        }
        // the client brings the registry, transport, codecs and selector: each provider reads its record here, and
        // the client's checks every micro.client.<service>.* key the configuration holds
        Client client = beans.select(Client.class).get();
        Codecs codecs = beans.select(Codecs.class).get();
        List<String> problems = new ArrayList<>();
        for (String service : model.clientServices()) {
            try {
                client.defaultOptions(service); // read now, for a service named only by its typed client
                MicroClientCreator.contentType(config, service, codecs);
            } catch (IllegalArgumentException e) {
                problems.add("@MicroClient(\"" + service + "\"): " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
    }
}
