package io.microcdi.cdi;

import io.microcdi.context.CallContext;
import io.microcdi.context.CallContexts;
import io.microcdi.metadata.Metadata;

/**
 * The injectable {@link CallContext}: every method reads the context of the call the current thread handles, so one
 * instance serves all beans and threads. To keep a call's context for later or another thread, take
 * {@link CallContext#current()}.
 */
final class CurrentCallContext implements CallContext {

    @Override
    public Kind kind() {
        return CallContexts.current().kind();
    }

    @Override
    public String service() {
        return CallContexts.current().service();
    }

    @Override
    public String endpoint() {
        return CallContexts.current().endpoint();
    }

    @Override
    public String topic() {
        return CallContexts.current().topic();
    }

    @Override
    public String callerService() {
        return CallContexts.current().callerService();
    }

    @Override
    public String remoteAddress() {
        return CallContexts.current().remoteAddress();
    }

    @Override
    public long deadlineNanoTime() {
        return CallContexts.current().deadlineNanoTime();
    }

    @Override
    public Metadata metadata() {
        return CallContexts.current().metadata();
    }

    @Override
    public Metadata received() {
        return CallContexts.current().received();
    }

    @Override
    public void setMetadata(Metadata metadata) {
        CallContexts.current().setMetadata(metadata);
    }

    @Override
    public void putMetadata(String key, String value) {
        CallContexts.current().putMetadata(key, value);
    }

    @Override
    public String toString() {
        return "current " + CallContexts.current();
    }
}
