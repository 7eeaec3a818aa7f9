package io.microcdi.it;

import io.microcdi.cdi.MicroLifecycle;
import io.microcdi.cdi.MicroModel;
import io.microcdi.cdi.MicroProducers;
import io.microcdi.errors.MicroException;
import io.microcdi.examples.greeter.Greeter;
import io.microcdi.examples.greeter.GreeterApi;
import io.microcdi.examples.greeter.GreeterCaller;
import io.microcdi.examples.greeter.HelloReply;
import io.microcdi.examples.greeter.HelloRequest;
import io.microcdi.registry.Node;
import io.microcdi.registry.Registry;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The greeter deployed with Arquillian on the Weld embedded container ({@code arquillian-weld-embedded}), served and
 * called in this JVM over real HTTP, registered in the {@code memory} registry.
 *
 * <p>What the Weld embedded container does with a MicroCDI deployment (arquillian-weld-embedded 4.0.0.Final on
 * Weld 5.1.7.Final, read from its classes and confirmed by this test):
 * <ul>
 *   <li>Build Compatible Extensions run. The container's jar registers
 *       {@code org.jboss.arquillian.container.weld.embedded.extension.BuildCompatibleExtensionTranslator} (a
 *       {@code LiteExtensionTranslator}) as a portable extension; portable extensions are found with
 *       {@code ServiceLoader} on the class path, and the translator finds {@code MicroExtension} through
 *       microcdi-cdi.jar's {@code META-INF/services/...BuildCompatibleExtension}. Nothing to add to the deployment.
 *       (The same jar is why the *IT classes, which boot Weld SE, must not have it on their class path: Weld SE adds
 *       a translator of its own and the extension would run twice. See it/pom.xml.)</li>
 *   <li>Library jars are not bean archives. The deployment is flat: only the classes in the {@code @Deployment}
 *       archive become beans, whatever beans.xml the jars on the class path carry. So MicroCDI's own beans
 *       ({@link MicroProducers}, {@link MicroLifecycle}) must be added to the archive. Without them the
 *       extension still runs (its synthetic beans exist) but nothing produces {@code Registry}, {@code Client} and
 *       the rest ({@code WELD-001408: Unsatisfied dependencies for type Registry}), and nothing serves.</li>
 *   <li>In the {@code SE} environment the container uses by default, Weld fires neither {@code Startup} nor
 *       {@code Shutdown} (WeldStartup fires them only for the deployment modules of an EE-module-aware environment;
 *       Weld SE's own container fires them itself, the Arquillian mock container fires only
 *       {@code @Initialized(ApplicationScoped.class)}). {@code MicroLifecycle} observes {@code Startup}, so nothing
 *       would serve: {@code src/test/resources/arquillian.xml} selects the {@code SERVLET} environment, in which
 *       Weld fires both ({@code EE_INJECT} works too; {@code EE} needs injection services the container lacks).</li>
 *   <li>The container's jar depends on Weld 6.0.0.Alpha1 (CDI 4.1), which Maven would pick over MicroCDI's Weld
 *       5.1.7; it/pom.xml excludes it, and the container runs on Weld 5.1.7.</li>
 * </ul>
 */
@ExtendWith(ArquillianExtension.class)
class ArquillianGreeterTest {

    static {
        // also set by surefire (it/pom.xml); set here too so the test runs the same from an IDE
        System.setProperty("micro.registry", "memory");
        ConfigProviderResolver resolver = ConfigProviderResolver.instance();
        resolver.releaseConfig(resolver.getConfig());
    }

    private static final String BEANS_XML = """
            <beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="annotated"/>
            """;

    @Deployment
    static JavaArchive deployment() {
        return ShrinkWrap.create(JavaArchive.class, "greeter-it.jar")
                .addClasses(Greeter.class, GreeterApi.class, GreeterCaller.class, HelloRequest.class, HelloReply.class)
                // microcdi-cdi's beans: the flat Weld embedded deployment does not scan library jars
                .addClasses(MicroProducers.class, MicroLifecycle.class)
                .addAsManifestResource(new StringAsset(BEANS_XML), "beans.xml");
    }

    @Inject
    GreeterCaller caller;

    @Inject
    Registry registry;

    @Inject
    MicroLifecycle lifecycle;

    @Inject
    MicroModel model;

    @Test
    void greetsThroughTheInjectedMicroClient() {
        assertThat(caller.greet("John")).isEqualTo("Hello John");
    }

    @Test
    void theBuildCompatibleExtensionRan() {
        // MicroModel is a synthetic bean: only MicroExtension's @Synthesis defines it
        assertThat(model.services()).singleElement().satisfies(s -> {
            assertThat(s.type()).isEqualTo(Greeter.class);
            assertThat(s.name()).isEqualTo("greeter");
        });
    }

    @Test
    void servesAndRegistersInTheMemoryRegistry() {
        assertThat(registry.name()).isEqualTo("memory");
        assertThat(lifecycle.server()).as("MicroLifecycle started a server on Startup").isNotNull();
        assertThat(registry.getService("greeter")).singleElement().satisfies(s -> {
            assertThat(s.endpoints()).extracting(e -> e.name()).contains("Greeter.Hello");
            assertThat(s.nodes()).extracting(Node::address).containsExactly(lifecycle.server().address());
        });
    }

    @Test
    void handlerErrorsReachTheCallerAsMicroException() {
        assertThatThrownBy(() -> caller.greet(""))
                .isInstanceOfSatisfying(MicroException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.id()).isEqualTo("greeter.hello");
                    assertThat(e.detail()).isEqualTo("name is required");
                });
        assertThat(caller.greet("John")).isEqualTo("Hello John");
    }
}
