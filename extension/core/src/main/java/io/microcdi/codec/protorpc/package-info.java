/**
 * The protorpc envelope codec ({@code application/proto-rpc}), also the legacy form of {@code application/protobuf}
 * and {@code application/octet-stream} requests without routing headers; present only with protobuf-java.
 */
package io.microcdi.codec.protorpc;
