package io.microcdi.examples.wrappers;

/**
 * The reply of {@code Frontend.Relay}: what the frontend saw, and what the backend it called saw.
 *
 * <pre>{@code
 * {"frontend":{"service":"frontend",...},"backend":{"service":"backend","callerService":"frontend",...}}
 * }</pre>
 *
 * @param frontend the frontend's view of the client's call
 * @param backend  the backend's view of the frontend's call
 */
public record RelayReply(HopView frontend, HopView backend) {
}
