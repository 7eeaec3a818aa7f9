package io.microcdi.examples.wrappers;

import io.microcdi.annotation.Service;
import io.microcdi.config.MicroConfig;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.List;

/**
 * Lets one jar play either hop: with {@code example.role=frontend} (or {@code backend}) the other {@code @Service}
 * class is vetoed, so this process serves and registers only that service; unset, it serves both. A portable CDI
 * extension, listed in {@code META-INF/services/jakarta.enterprise.inject.spi.Extension}.
 *
 * <pre>{@code
 * EXAMPLE_ROLE=backend  java -jar wrappers.jar     # serves only "backend"
 * EXAMPLE_ROLE=frontend java -jar wrappers.jar     # serves only "frontend"
 * }</pre>
 */
public class RoleFilter implements Extension {

    static final String KEY = "example.role";
    private static final List<String> ROLES = List.of("frontend", "backend");

    private String role = "";

    void readRole(@Observes BeforeBeanDiscovery start) {
        role = ConfigProvider.getConfig().getOptionalValue(KEY, String.class).orElse("").trim();
        if (!role.isEmpty() && !ROLES.contains(role)) {
            throw MicroConfig.invalid(KEY, role, "frontend or backend; unset serves both");
        }
    }

    void keepOnlyRole(@Observes @WithAnnotations(Service.class) ProcessAnnotatedType<?> type) {
        Service service = type.getAnnotatedType().getAnnotation(Service.class);
        if (service != null && !role.isEmpty() && !role.equals(service.name())) {
            type.veto();
        }
    }
}
