package io.microcdi.wrappers.app;

/** The payload of the test services. */
public record Words(String text) {
}
