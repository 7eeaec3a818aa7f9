package io.microcdi.context;

import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallContextsTest {

    private static CallContext call(String id) {
        return CallContexts.call("greeter", "Greeter.Hello", "gateway", "127.0.0.1:5000",
                System.nanoTime() + TimeUnit.SECONDS.toNanos(1), Metadata.of("X-Id", id));
    }

    @Test
    void outsideAnyCallTheContextIsInactiveAndReadOnly() {
        CallContext none = CallContext.current();

        assertThat(none.active()).isFalse();
        assertThat(none.kind()).isEqualTo(CallContext.Kind.NONE);
        assertThat(none.service()).isEmpty();
        assertThat(none.metadata().isEmpty()).isTrue();
        assertThat(none.deadline()).isEmpty();
        assertThatThrownBy(() -> none.putMetadata("X-A", "1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no call or message is being handled");
    }

    @Test
    void attachAndRestoreNest() {
        CallContext outer = call("outer");
        CallContext inner = call("inner");

        CallContext before = CallContexts.attach(outer);
        CallContext middle = CallContexts.attach(inner);
        assertThat(CallContext.current()).isSameAs(inner);
        CallContexts.restore(middle);
        assertThat(CallContext.current()).isSameAs(outer);
        CallContexts.restore(before);

        assertThat(CallContext.current().active()).isFalse();
    }

    @Test
    void aCallKnowsItsIdentityDeadlineAndMetadata() {
        CallContext c = call("7");

        assertThat(c.kind()).isEqualTo(CallContext.Kind.CALL);
        assertThat(c.service()).isEqualTo("greeter");
        assertThat(c.endpoint()).isEqualTo("Greeter.Hello");
        assertThat(c.callerService()).isEqualTo("gateway");
        assertThat(c.remoteAddress()).isEqualTo("127.0.0.1:5000");
        assertThat(c.topic()).isEmpty();
        assertThat(c.remaining()).hasValueSatisfying(left -> assertThat(left.toMillis()).isBetween(1L, 1_000L));
        assertThat(c.metadata().get("x-id")).isEqualTo("7");

        c.putMetadata("X-Added", "yes");
        c.putMetadata("x-id", null); // removes, whatever the case
        assertThat(c.metadata().get("X-Added")).isEqualTo("yes");
        assertThat(c.metadata().contains("X-Id")).isFalse();
        assertThat(c.received().get("X-Id")).isEqualTo("7"); // as the caller sent it
        assertThat(c.received().contains("X-Added")).isFalse();
    }

    @Test
    void aMessageHasATopicAndNoDeadline() {
        CallContext m = CallContexts.message("orders", "shop", "Audit.onOrder", "checkout", null, Metadata.empty());

        assertThat(m.kind()).isEqualTo(CallContext.Kind.MESSAGE);
        assertThat(m.topic()).isEqualTo("orders");
        assertThat(m.remoteAddress()).isEmpty();
        assertThat(m.deadlineNanoTime()).isZero();
    }

    @Test
    void wrappedTasksRunInTheContextTheyWereMadeInAndLeaveNoneBehind() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CallContext c = call("w");
            AtomicReference<CallContext> seen = new AtomicReference<>();
            Runnable task;
            Callable<String> callable;
            CallContext previous = CallContexts.attach(c);
            try {
                task = CallContexts.wrap(() -> seen.set(CallContext.current()));
                callable = CallContexts.wrap(() -> CallContext.current().metadata().get("X-Id"));
            } finally {
                CallContexts.restore(previous);
            }

            pool.submit(task).get();
            Future<String> id = pool.submit(callable);
            Future<Boolean> after = pool.submit(() -> CallContext.current().active());

            assertThat(seen.get()).isSameAs(c);
            assertThat(id.get()).isEqualTo("w");
            assertThat(after.get()).isFalse(); // the pool thread is clean again
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPropagatingExecutorCarriesTheSubmittersContext() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            var executor = CallContexts.propagating(pool);
            AtomicReference<String> seen = new AtomicReference<>();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(2);
            CallContext previous = CallContexts.attach(call("p"));
            try {
                executor.execute(() -> {
                    seen.set(CallContext.current().metadata().get("X-Id"));
                    done.countDown();
                });
            } finally {
                CallContexts.restore(previous);
            }
            AtomicReference<Boolean> outside = new AtomicReference<>();
            executor.execute(() -> {
                outside.set(CallContext.current().active());
                done.countDown();
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();

            assertThat(seen.get()).isEqualTo("p");
            assertThat(outside.get()).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theViewReadsTheCurrentContextAndAttachingItChangesNothing() {
        CallContext view = CallContexts.view();
        assertThat(view.active()).isFalse();
        CallContext c = call("v");
        CallContext previous = CallContexts.attach(c);
        try {
            assertThat(view.metadata().get("X-Id")).isEqualTo("v");
            CallContext same = CallContexts.attach(view); // no recursion: the view stands for c
            assertThat(CallContext.current()).isSameAs(c);
            CallContexts.restore(same);
        } finally {
            CallContexts.restore(previous);
        }
    }

    @Test
    void attachingAnInactiveContextDetaches() {
        CallContext none = CallContext.current();
        CallContext previous = CallContexts.attach(call("x"));
        CallContext inCall = CallContexts.attach(none);
        try {
            assertThat(CallContext.current().active()).isFalse();
        } finally {
            CallContexts.restore(inCall);
        }
        assertThat(CallContext.current().metadata().get("X-Id")).isEqualTo("x");
        CallContexts.restore(previous);
    }
}
