package io.microcdi.cdi.pubsub;

import io.microcdi.metadata.Metadata;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What one subscriber received: payloads, headers and the threads it ran on. */
public final class Inbox<T> {

    private final List<T> payloads = new CopyOnWriteArrayList<>();
    private final List<Metadata> headers = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();

    /** Records one delivery. */
    public void add(T payload, Metadata metadata) {
        payloads.add(payload);
        headers.add(metadata);
        threads.add(Thread.currentThread().getName());
    }

    public List<T> payloads() {
        return List.copyOf(payloads);
    }

    public List<Metadata> headers() {
        return List.copyOf(headers);
    }

    public List<String> threads() {
        return List.copyOf(threads);
    }

    public int size() {
        return payloads.size();
    }
}
