package io.microcdi;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.JarFile;

/**
 * Whether a class's archive (its directory or jar) declares itself a bean archive with {@code META-INF/beans.xml}.
 *
 * <pre>{@code
 * if (!BeanArchives.declared(MyMain.class)) weld.addPackages(true, MyMain.class);
 * }</pre>
 */
final class BeanArchives {

    private BeanArchives() {
    }

    /** {@code true} when the archive holding {@code c} has {@code META-INF/beans.xml}, or cannot be looked at. */
    static boolean declared(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return true; // the JDK's own, or a generated class: leave it to discovery
        }
        try {
            Path where = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(where)) {
                return Files.exists(where.resolve("META-INF/beans.xml"));
            }
            try (JarFile jar = new JarFile(where.toFile())) {
                return jar.getEntry("META-INF/beans.xml") != null;
            }
        } catch (URISyntaxException | IOException | IllegalArgumentException e) {
            return true;
        }
    }
}
