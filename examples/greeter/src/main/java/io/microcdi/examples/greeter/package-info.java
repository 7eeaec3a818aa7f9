/**
 * The greeter: a MicroCDI service in JSON ({@link io.microcdi.examples.greeter.Greeter}) and in protobuf
 * ({@link io.microcdi.examples.greeter.ProtoGreeter}), clients of both, runnable as {@code java -jar greeter.jar}.
 */
package io.microcdi.examples.greeter;
