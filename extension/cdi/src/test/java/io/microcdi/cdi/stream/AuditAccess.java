package io.microcdi.cdi.stream;

import java.util.List;

/** Test access to what {@link AuditInterceptor} recorded. */
public final class AuditAccess {

    private AuditAccess() {
    }

    public static void clear() {
        AuditInterceptor.SEEN.clear();
    }

    public static List<String> seen() {
        return List.copyOf(AuditInterceptor.SEEN);
    }
}
