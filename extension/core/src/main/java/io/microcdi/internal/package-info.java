/**
 * MicroCDI's internals: the wire glue, the configuration binding, the model. Not a contract: anything here may change
 * in any release.
 */
package io.microcdi.internal;
