package io.microcdi.cdi.pubsub;

import io.microcdi.annotation.Subscribe;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Receives a generic payload (the decoder is made for {@code List<OrderPlaced>}, not a raw list) and an array. */
@ApplicationScoped
public class Batches {

    final Inbox<List<OrderPlaced>> inbox = new Inbox<>();

    @Subscribe(topic = "batches")
    public void onBatch(List<OrderPlaced> batch) {
        inbox.add(batch, null);
    }

    final Inbox<byte[]> blobs = new Inbox<>();

    @Subscribe(topic = "blobs")
    public void onBlob(byte[] blob) {
        blobs.add(blob, null);
    }

    public Inbox<List<OrderPlaced>> inbox() {
        return inbox;
    }

    public Inbox<byte[]> blobs() {
        return blobs;
    }
}
