package io.microcdi.cdi.pubsub;

import jakarta.enterprise.context.ApplicationScoped;

/** Inherits {@link BaseListener#onOrder}: subscribed once. */
@ApplicationScoped
public class InheritingListener extends BaseListener {
}
