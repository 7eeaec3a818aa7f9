package io.microcdi.codec;

import io.microcdi.internal.config.DefaultMicroConfig;
import io.microcdi.config.Plugins;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The codecs the core registers through META-INF/services, with and without the optional protobuf-java. */
class CodecProvidersTest {

    @Test
    void fiveCodecsByContentTypeWithProtobufOnTheClassPath() {
        Codecs codecs = Plugins.load(getClass().getClassLoader(), List.of()).codecs(DefaultMicroConfig.of(Map.of()));

        assertThat(codecs.contentTypes()).containsExactly("application/json", "application/json-rpc",
                "application/octet-stream", "application/proto-rpc", "application/protobuf");
        assertThat(codecs.envelope("application/json-rpc")).isNotNull();
        assertThat(codecs.envelope("application/proto-rpc; charset=x")).isNotNull();
        assertThat(codecs.envelope("application/json")).isNull();
        assertThat(codecs.envelope("text/plain")).isNull();
    }

    @Test
    void withoutProtobufTheProtobufCodecsAreLeftOutAndStartingWorks() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("protobuf")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader noProtobuf = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThat(noProtobuf.getResource("com/google/protobuf/MessageLite.class")).isNull();
            Class<?> plugins = noProtobuf.loadClass(Plugins.class.getName());
            Class<?> configs = noProtobuf.loadClass(DefaultMicroConfig.class.getName());
            Class<?> microConfig = noProtobuf.loadClass("io.microcdi.config.MicroConfig");
            Object config = configs.getMethod("of", Map.class).invoke(null, Map.of());
            Object loaded = plugins.getMethod("load", ClassLoader.class, java.util.Collection.class)
                    .invoke(null, noProtobuf, List.of());
            Object codecs = plugins.getMethod("codecs", microConfig).invoke(loaded, config);

            assertThat(codecs.getClass().getMethod("contentTypes").invoke(codecs))
                    .isEqualTo(List.of("application/json", "application/json-rpc", "application/octet-stream"));
        }
    }
}
