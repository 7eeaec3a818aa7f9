package io.microcdi.quarkus.deployment;

import io.quarkus.arc.deployment.UnremovableBeanBuildItem;
import io.quarkus.deployment.annotations.BuildProducer;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.deployment.builditem.CombinedIndexBuildItem;
import io.quarkus.deployment.builditem.FeatureBuildItem;
import io.quarkus.deployment.builditem.IndexDependencyBuildItem;
import io.quarkus.deployment.builditem.nativeimage.ServiceProviderBuildItem;
import org.jboss.jandex.AnnotationInstance;
import org.jboss.jandex.AnnotationTarget;
import org.jboss.jandex.DotName;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Quarkus build steps of MicroCDI. Discovery stays in {@code io.microcdi.cdi.MicroExtension}, the Build
 * Compatible Extension that ArC runs at build time as Weld runs it at start; these steps only add what Quarkus needs
 * around it:
 *
 * <ul>
 *   <li>the feature {@value #FEATURE} in the start banner;</li>
 *   <li>the MicroCDI jars in the bean archive index, so an application needs no {@code beans.xml} for them;</li>
 *   <li>every {@code META-INF/services} entry of the plugin SPIs on the class path kept for {@code ServiceLoader}
 *       (in a native image too), whichever jar brings it: a plugin is chosen by {@code micro.<concern>} at run time,
 *       so none can be left out at build time;</li>
 *   <li>the beans that MicroCDI looks up only at run time kept: provider beans, {@code @Service} beans and beans
 *       with {@code @Subscribe} methods (ArC removes beans that nothing injects).</li>
 * </ul>
 *
 * <pre>{@code
 * // an application needs only the runtime artifact; Quarkus finds this class through it
 * <dependency><groupId>io.microcdi</groupId><artifactId>microcdi-quarkus</artifactId></dependency>
 * }</pre>
 *
 * <p>Configuration is read as on Weld, through MicroProfile Config (SmallRye Config on Quarkus), with the same
 * {@code micro.*} keys; an unknown plugin name or a bad value fails the start naming its key.
 */
class MicroProcessor {

    static final String FEATURE = "microcdi";

    /** The MicroCDI artifacts indexed at build time: the API, the framework, the extension and its two defaults. */
    static final List<String> ARTIFACTS = List.of("microcdi-api", "microcdi-core", "microcdi-cdi",
            "microcdi-transport-http", "microcdi-registry-mdns");

    /** The plugin SPIs: each concern's provider, found through {@code ServiceLoader} and, under CDI, as beans. */
    static final List<String> PROVIDERS = List.of(
            "io.microcdi.registry.RegistryProvider",
            "io.microcdi.selector.SelectorProvider",
            "io.microcdi.transport.TransportProvider",
            "io.microcdi.codec.CodecProvider",
            "io.microcdi.client.ClientProvider",
            "io.microcdi.client.ProtocolProvider",
            "io.microcdi.server.ServerProvider",
            "io.microcdi.broker.BrokerProvider",
            "io.microcdi.telemetry.TelemetryProvider");

    /**
     * The beans the telemetry modules look up by type, through the container rather than an injection point: the
     * registry of Quarkus' Micrometer extension, the SDK of its OpenTelemetry extension. Kept when present.
     */
    static final List<String> TELEMETRY_BEANS = List.of(
            "io.micrometer.core.instrument.MeterRegistry",
            "io.opentelemetry.api.OpenTelemetry");

    static final DotName SERVICE = DotName.createSimple("io.microcdi.annotation.Service");
    static final DotName SUBSCRIBE = DotName.createSimple("io.microcdi.annotation.Subscribe");

    @BuildStep
    FeatureBuildItem feature() {
        return new FeatureBuildItem(FEATURE);
    }

    @BuildStep
    void index(BuildProducer<IndexDependencyBuildItem> indexed) {
        for (String artifact : ARTIFACTS) {
            indexed.produce(new IndexDependencyBuildItem("io.microcdi", artifact));
        }
    }

    @BuildStep
    void serviceProviders(BuildProducer<ServiceProviderBuildItem> providers) {
        for (String spi : PROVIDERS) {
            providers.produce(ServiceProviderBuildItem.allProvidersFromClassPath(spi));
        }
    }

    @BuildStep
    void unremovable(CombinedIndexBuildItem index, BuildProducer<UnremovableBeanBuildItem> keep) {
        keep.produce(UnremovableBeanBuildItem.beanTypes(PROVIDERS.stream().map(DotName::createSimple)
                .toArray(DotName[]::new)));
        keep.produce(UnremovableBeanBuildItem.beanTypes(TELEMETRY_BEANS.stream().map(DotName::createSimple)
                .toArray(DotName[]::new)));
        keep.produce(UnremovableBeanBuildItem.beanClassAnnotation(SERVICE));
        // a subscriber is looked up by class when the broker connects: nothing injects it
        Set<String> subscribers = new TreeSet<>();
        for (AnnotationInstance a : index.getIndex().getAnnotations(SUBSCRIBE)) {
            if (a.target().kind() == AnnotationTarget.Kind.METHOD) {
                subscribers.add(a.target().asMethod().declaringClass().name().toString());
            }
        }
        if (!subscribers.isEmpty()) {
            keep.produce(UnremovableBeanBuildItem.beanClassNames(subscribers));
        }
    }
}
