package io.microcdi.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link MicroConfig#of(Map)}: values from a map, trimmed, blank meaning unset. */
record MapConfig(Map<String, String> values) implements MicroConfig {

    @Override
    public Optional<String> get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    @Override
    public Set<String> names() {
        return values.keySet();
    }

    @Override
    public String toString() {
        return "MicroConfig" + values.keySet();
    }
}
