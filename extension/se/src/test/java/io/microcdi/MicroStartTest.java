package io.microcdi;

import io.microcdi.cdi.MicroLifecycle;
import jakarta.enterprise.inject.se.SeContainer;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link Micro#start()} sets up for a quick boot: Jandex discovery, no schema validation of beans.xml. */
class MicroStartTest {

    @AfterEach
    void clear() {
        System.clearProperty(Micro.XML_VALIDATION_KEY);
        System.clearProperty("micro.server.enabled");
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
    }

    @Test
    void weldDiscoversTheBeanArchivesThroughJandexNotByLoadingEveryClass() {
        List<String> said = new CopyOnWriteArrayList<>();
        Handler listen = new Handler() {
            private final SimpleFormatter format = new SimpleFormatter();

            @Override
            public void publish(LogRecord record) {
                said.add(format.formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger weld = Logger.getLogger("org.jboss.weld");
        weld.addHandler(listen);
        System.setProperty("micro.server.enabled", "false"); // nothing to serve here: no port, no mDNS
        try (SeContainer container = Micro.start()) {
            assertThat(container.select(MicroLifecycle.class).get().state()).isEqualTo(MicroLifecycle.State.STARTED);
        } finally {
            weld.removeHandler(listen);
        }
        // WELD-ENV-000020 "Using jandex for bean discovery"; without Jandex, WELD-ENV-000014 "Falling back to Java
        // Reflection": every class of every annotated bean archive loaded to look at its annotations
        assertThat(said).anyMatch(m -> m.contains("WELD-ENV-000020"));
        assertThat(said).noneMatch(m -> m.contains("WELD-ENV-000014"));
        assertThat(System.getProperty(Micro.XML_VALIDATION_KEY)).isEqualTo("true");
    }

    @Test
    void beansXmlIsNotValidatedAgainstTheSchemaUnlessTheUserAsksForIt() {
        Micro.skipBeansXmlValidation();
        assertThat(System.getProperty(Micro.XML_VALIDATION_KEY)).isEqualTo("true");

        System.setProperty(Micro.XML_VALIDATION_KEY, "false");
        Micro.skipBeansXmlValidation();
        assertThat(System.getProperty(Micro.XML_VALIDATION_KEY)).isEqualTo("false");
    }
}
