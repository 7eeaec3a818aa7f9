/**
 * The container-neutral model of services and clients: endpoint naming, validation, method-handle invokers and the
 * schemas advertised in the registry. Fed by the CDI extension (and later a Quarkus build step). Internal.
 */
package io.microcdi.internal.model;
