package io.microcdi.examples.wrappers;

/**
 * The line {@code wrappers.jar call} prints: what each of the three hops sent or saw.
 *
 * <pre>{@code
 * {"client":{"requestId":"5f0c...",...},"frontend":{...},"backend":{...}}
 * }</pre>
 *
 * @param client   what the client sent
 * @param frontend what the frontend saw
 * @param backend  what the backend saw
 */
public record CallReport(ClientView client, HopView frontend, HopView backend) {
}
