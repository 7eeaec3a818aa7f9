/**
 * The default selector: a random node first, then the others in turn for retries.
 */
package io.microcdi.selector.random;
