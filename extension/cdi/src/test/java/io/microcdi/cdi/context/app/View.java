package io.microcdi.cdi.context.app;

import io.microcdi.context.CallContext;

import java.util.Map;
import java.util.TreeMap;

/** What a handler saw of its call. */
public record View(String kind, String service, String endpoint, String topic, String caller, String remote,
                   long deadlineLeftMillis, Map<String, String> metadata, String text) {

    /** The view of {@code call}, with the request's text. */
    public static View of(CallContext call, String text) {
        Map<String, String> md = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        md.putAll(call.metadata().asMap());
        return new View(call.kind().name(), call.service(), call.endpoint(), call.topic(), call.callerService(),
                call.remoteAddress(), call.remaining().map(java.time.Duration::toMillis).orElse(-1L), md, text);
    }

    /** A metadata value, ignoring case, or {@code null}. */
    public String md(String key) {
        for (var e : metadata.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }
}
