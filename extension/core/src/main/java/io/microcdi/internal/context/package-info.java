/**
 * What travels with the call being handled (for now its deadline). Internal: may change at any time.
 */
package io.microcdi.internal.context;
