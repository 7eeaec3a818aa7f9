package io.microcdi.cdi.context.app;

import jakarta.annotation.Priority;
import jakarta.interceptor.Interceptor;

/** The first of the three {@link Chain} interceptors by {@code @Priority}. */
@Chain
@Interceptor
@Priority(Interceptor.Priority.APPLICATION + 1)
public class FirstInterceptor extends OrderRecorder {

    @Override
    String name() {
        return "first";
    }
}
