package io.microcdi.quarkus.deployment;

import io.microcdi.registry.RegistryProvider;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every plugin SPI of the API ({@code io.microcdi.<concern>.*Provider}) is among those whose {@code ServiceLoader}
 * entries Quarkus keeps: one left out would make its plugins vanish on Quarkus only (as {@code ProtocolProvider},
 * added with gRPC, did until it was listed).
 */
class MicroProcessorTest {

    @Test
    void everyProviderInterfaceOfTheApiIsKept() throws Exception {
        List<String> spis = new ArrayList<>();
        for (String name : classesOf(Path.of(RegistryProvider.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()))) {
            if (name.endsWith("Provider") && Class.forName(name).isInterface()) {
                spis.add(name);
            }
        }
        assertThat(spis).contains("io.microcdi.client.ProtocolProvider", "io.microcdi.server.ServerProvider");
        assertThat(MicroProcessor.PROVIDERS).containsExactlyInAnyOrderElementsOf(spis);
    }

    /** The top-level class names in a jar or a classes directory. */
    private static List<String> classesOf(Path location) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                files.map(p -> location.relativize(p).toString().replace('\\', '/')).forEach(n -> add(n, names));
            }
        } else {
            try (InputStream in = Files.newInputStream(location); JarInputStream jar = new JarInputStream(in)) {
                for (JarEntry e = jar.getNextJarEntry(); e != null; e = jar.getNextJarEntry()) {
                    add(e.getName(), names);
                }
            }
        }
        return names;
    }

    private static void add(String path, List<String> names) {
        if (path.endsWith(".class") && !path.contains("$") && !path.endsWith("-info.class")) {
            names.add(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
        }
    }
}
