package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import io.microcdi.metadata.Metadata;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.CompletionStage;

/** Breaks every signature rule, once each. */
@ApplicationScoped
public class BadSubscriber {

    @Subscribe(topic = "bad")
    public void nothing() {
    }

    @Subscribe(topic = "bad")
    public void three(OrderPlaced a, Metadata b, String c) {
    }

    @Subscribe(topic = "bad")
    public void wrongSecond(OrderPlaced a, String b) {
    }

    @Subscribe(topic = "bad")
    public void metadataFirst(Metadata md) {
    }

    @Subscribe(topic = "bad")
    public String answers(OrderPlaced a) {
        return "";
    }

    @Subscribe(topic = "bad")
    public CompletionStage<String> answersLater(OrderPlaced a) {
        return null;
    }

    @Subscribe(topic = "bad")
    public static void shared(OrderPlaced a) {
    }

    @Subscribe(topic = "bad")
    private void hidden(OrderPlaced a) {
    }

    @Subscribe(topic = " ")
    public void noTopic(OrderPlaced a) {
    }
}
