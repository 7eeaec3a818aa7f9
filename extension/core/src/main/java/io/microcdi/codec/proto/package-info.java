/**
 * The protobuf codec ({@code application/protobuf}) for protobuf-java generated messages, present only when
 * protobuf-java is on the class path.
 */
package io.microcdi.codec.proto;
