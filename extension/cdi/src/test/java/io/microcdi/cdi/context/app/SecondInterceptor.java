package io.microcdi.cdi.context.app;

import jakarta.annotation.Priority;
import jakarta.interceptor.Interceptor;

/** The second of the three {@link Chain} interceptors by {@code @Priority}. */
@Chain
@Interceptor
@Priority(Interceptor.Priority.APPLICATION + 2)
public class SecondInterceptor extends OrderRecorder {

    @Override
    String name() {
        return "second";
    }
}
