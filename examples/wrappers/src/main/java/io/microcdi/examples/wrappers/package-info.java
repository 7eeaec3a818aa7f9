/**
 * Wrappers and the call context across three processes: a client calls the {@code frontend}
 * ({@link io.microcdi.examples.wrappers.Frontend}, logged by a user interceptor), which calls the {@code backend}
 * ({@link io.microcdi.examples.wrappers.Backend}, guarded by a user interceptor). A client wrapper
 * ({@link io.microcdi.examples.wrappers.RequestIdWrapper}) adds a request id and a bearer token; both reach the backend
 * with the caller's name and the client's deadline, through the frontend, without the frontend copying anything.
 */
package io.microcdi.examples.wrappers;
