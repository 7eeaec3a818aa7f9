/**
 * The greeter: a MicroCDI service ({@link io.microcdi.examples.greeter.Greeter}) and a client of it
 * ({@link io.microcdi.examples.greeter.GreeterApi}), runnable as {@code java -jar greeter.jar}.
 */
package io.microcdi.examples.greeter;
