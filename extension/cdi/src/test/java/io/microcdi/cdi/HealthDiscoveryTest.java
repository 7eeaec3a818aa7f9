package io.microcdi.cdi;

import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The health checks are added only where the MicroProfile Health API can be loaded, and the extension itself loads
 * and runs without it (a plain Weld SE class path).
 */
class HealthDiscoveryTest {

    @Test
    void withTheApiBothChecksAreAdded() {
        List<String> added = new ArrayList<>();
        new MicroExtension().addHealthChecks(added::add);

        assertThat(added).containsExactly("io.microcdi.cdi.health.MicroReadiness",
                "io.microcdi.cdi.health.MicroLiveness");
    }

    @Test
    void withoutTheApiTheExtensionRunsAndAddsNothing() throws Exception {
        ClassLoader withoutHealth = new WithoutHealthApi(getClass().getClassLoader());
        Class<?> extension = withoutHealth.loadClass(MicroExtension.class.getName());
        assertThat(extension).isNotSameAs(MicroExtension.class);
        List<String> added = new ArrayList<>();
        ScannedClasses scan = added::add;

        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(withoutHealth);
        try {
            extension.getMethod("addHealthChecks", ScannedClasses.class)
                    .invoke(extension.getConstructor().newInstance(), scan);
        } finally {
            thread.setContextClassLoader(context);
        }

        assertThat(added).isEmpty();
        // what adding them would have cost: a check class cannot even be loaded there
        assertThatThrownBy(() -> Class.forName("io.microcdi.cdi.health.MicroReadiness", true, withoutHealth))
                .isInstanceOf(NoClassDefFoundError.class)
                .hasMessageContaining("org/eclipse/microprofile/health/HealthCheck");
    }

    @Test
    void nullLoadersAreSkipped() {
        assertThat(MicroExtension.loadable("java.lang.String", (ClassLoader) null, getClass().getClassLoader()))
                .isTrue();
        assertThat(MicroExtension.loadable("org.example.Missing", (ClassLoader) null)).isFalse();
    }

    /**
     * Loads MicroCDI's CDI classes itself (so they resolve what they name through it) and refuses the MicroProfile
     * Health API; everything else comes from {@code parent}.
     */
    private static final class WithoutHealthApi extends ClassLoader {

        WithoutHealthApi(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("org.eclipse.microprofile.health.")) {
                    throw new ClassNotFoundException(name);
                }
                if (!name.startsWith("io.microcdi.cdi.")) {
                    return super.loadClass(name, resolve);
                }
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }
    }
}
