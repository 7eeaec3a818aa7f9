package io.microcdi.cdi.context.app;

/** A request or reply. */
public record Msg(String text) {
}
