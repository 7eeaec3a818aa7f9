/**
 * Where handler code runs: virtual threads when the JDK has them, a bounded pool otherwise. Internal.
 */
package io.microcdi.internal.exec;
