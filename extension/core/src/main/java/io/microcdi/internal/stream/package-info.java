/**
 * Small {@link java.util.concurrent.Flow} pieces the streaming RPC path is built of: a mapping operator, a publisher
 * of one item, and a publisher's single answer as a future. Internal: not an API.
 */
package io.microcdi.internal.stream;
