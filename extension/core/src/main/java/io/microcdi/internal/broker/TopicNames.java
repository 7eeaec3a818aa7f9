package io.microcdi.internal.broker;

import io.microcdi.config.ConfigException;
import io.microcdi.config.MicroConfig;

/**
 * Resolves the property expressions a topic or queue name may hold, once, at start:
 * {@code ${name}} and {@code ${name:default}}, anywhere in the text, as MicroProfile Config writes them.
 *
 * <pre>{@code
 * TopicNames.resolve("${pubsub.topic:orders}", config)   // "orders" unless pubsub.topic (PUBSUB_TOPIC) is set
 * TopicNames.resolve("orders-${region}", config)         // "orders-eu" with region=eu; fails when unset
 * }</pre>
 */
public final class TopicNames {

    private TopicNames() {
    }

    /**
     * {@code text} with each {@code ${...}} replaced by its property's value or default.
     *
     * @throws ConfigException when a property without default is not set; the message names it and {@code what}
     *                         (for example {@code @Subscribe(topic) of io.example.Audit#onOrder})
     */
    public static String resolve(String text, MicroConfig config, String what) {
        int start = text.indexOf("${");
        if (start < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (start >= 0) {
            int end = text.indexOf('}', start + 2);
            if (end < 0) {
                break; // no closing brace: the rest is literal text
            }
            out.append(text, from, start);
            String expr = text.substring(start + 2, end);
            int colon = expr.indexOf(':');
            String key = (colon < 0 ? expr : expr.substring(0, colon)).trim();
            String value = config.get(key).orElse(colon < 0 ? null : expr.substring(colon + 1));
            if (value == null) {
                throw new ConfigException(what + " = \"" + text + "\": property " + key + " is not set (expected: "
                        + "a value, or a default such as ${" + key + ":name})");
            }
            out.append(value);
            from = end + 1;
            start = text.indexOf("${", from);
        }
        out.append(text, from, text.length());
        return out.toString();
    }
}
