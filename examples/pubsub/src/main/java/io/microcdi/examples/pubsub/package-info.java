/**
 * The pub/sub example: orders published on a topic and received by queue groups.
 */
package io.microcdi.examples.pubsub;
