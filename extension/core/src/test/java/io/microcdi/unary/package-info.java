/**
 * Plugins that carry unary calls only (a transport and a client without streams), for the tests of the start-time
 * checks that streaming endpoints and streaming client methods make.
 */
package io.microcdi.unary;
