package io.microcdi.cdi.app;

/** A test message. */
public record Msg(String text) {
}
