package io.microcdi.wrappers;

import io.microcdi.context.CallContext;
import io.microcdi.errors.MicroException;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.lang.System.Logger.Level;

/**
 * Logs one line per call served, message handled or client call made, through the {@link System.Logger}
 * {@code io.microcdi.wrappers.Logged}: {@code INFO} when it succeeded, {@code WARNING} when it failed.
 *
 * <pre>{@code
 * greeter Greeter.Hello from frontend (127.0.0.1:51234) ok 1.2 ms
 * greeter Greeter.Hello from frontend (127.0.0.1:51234) failed 401 Unauthorized: missing or invalid bearer token 0.3 ms
 * message orders -> Audit.onOrder ok 0.4 ms
 * call GreeterApi.hello ok 2.1 ms
 * }</pre>
 *
 * <p>What was called and by whom comes from the {@link CallContext}; an asynchronous result is logged when it
 * completes. Metadata is never logged (it may hold credentials). Nothing is formatted when the level is off.
 */
@Logged
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 10)
public class LoggingInterceptor extends TimedInterceptor {

    /** The logger's name. */
    public static final String LOGGER = "io.microcdi.wrappers.Logged";

    private static final System.Logger LOG = System.getLogger(LOGGER);
    private static final ThreadLocal<CallContext> LOGGING = new ThreadLocal<>();

    public LoggingInterceptor() {
        super(LOGGING);
    }

    @AroundInvoke
    Object log(InvocationContext ic) throws Exception {
        return time(ic);
    }

    @Override
    void ended(CallContext call, String client, Throwable error, long nanos) {
        Level level = error == null ? Level.INFO : Level.WARNING;
        if (!LOG.isLoggable(level)) {
            return;
        }
        StringBuilder line = new StringBuilder(96);
        if (call == null) {
            line.append("call ").append(client);
        } else if (call.kind() == CallContext.Kind.MESSAGE) {
            line.append("message ").append(call.topic()).append(" -> ").append(call.endpoint());
            from(line, call);
        } else {
            line.append(call.service()).append(' ').append(call.endpoint());
            from(line, call);
        }
        if (error == null) {
            line.append(" ok ");
        } else if (error instanceof MicroException m) {
            line.append(" failed ").append(m.code()).append(' ').append(m.status()).append(": ").append(m.detail())
                    .append(' ');
        } else {
            line.append(" failed 500 ").append(MicroException.statusText(500)).append(": ")
                    .append(error.getClass().getSimpleName()).append(": ").append(error.getMessage()).append(' ');
        }
        long tenths = (nanos + 50_000) / 100_000;
        line.append(tenths / 10).append('.').append(tenths % 10).append(" ms");
        LOG.log(level, line.toString());
    }

    /** {@code from frontend (127.0.0.1:51234)}, {@code from 127.0.0.1:51234}, or nothing. */
    private static void from(StringBuilder line, CallContext call) {
        String caller = call.callerService();
        String address = call.remoteAddress();
        if (!caller.isEmpty()) {
            line.append(" from ").append(caller);
            if (!address.isEmpty()) {
                line.append(" (").append(address).append(')');
            }
        } else if (!address.isEmpty()) {
            line.append(" from ").append(address);
        }
    }
}
