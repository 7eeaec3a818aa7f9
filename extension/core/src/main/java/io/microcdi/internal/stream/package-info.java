/**
 * Small {@link java.util.concurrent.Flow} pieces the streaming RPC path is built of, besides the public
 * {@link io.microcdi.stream.Streams}: a mapping stage that can be ended from outside, an end hook, a failed
 * publisher, and a publisher's single answer as a future. Internal: not an API.
 */
package io.microcdi.internal.stream;
