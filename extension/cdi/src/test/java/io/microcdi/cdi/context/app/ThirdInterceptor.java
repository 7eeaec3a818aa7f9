package io.microcdi.cdi.context.app;

import jakarta.annotation.Priority;
import jakarta.interceptor.Interceptor;

/** The third of the three {@link Chain} interceptors by {@code @Priority}. */
@Chain
@Interceptor
@Priority(Interceptor.Priority.APPLICATION + 3)
public class ThirdInterceptor extends OrderRecorder {

    @Override
    String name() {
        return "third";
    }
}
