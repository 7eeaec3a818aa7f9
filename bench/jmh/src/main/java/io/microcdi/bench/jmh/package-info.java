/**
 * JMH benchmarks of MicroCDI's hot path; run {@code java -jar bench/jmh/target/benchmarks.jar -prof gc}.
 *
 * <p>Nothing in this package accepts or returns {@code null} unless its Javadoc says so.
 */
package io.microcdi.bench.jmh;
