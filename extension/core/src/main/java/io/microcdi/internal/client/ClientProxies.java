package io.microcdi.internal.client;

import io.microcdi.internal.stream.Flows;
import io.microcdi.server.EndpointDefinition;
import io.microcdi.stream.Streams;
import java.util.Objects;
import java.util.concurrent.Flow;
import io.microcdi.annotation.ContentType;
import io.microcdi.annotation.Endpoint;
import io.microcdi.client.CallOptions;
import io.microcdi.client.Client;
import io.microcdi.client.Request;
import io.microcdi.client.Response;
import io.microcdi.client.StreamingClient;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Codecs;
import io.microcdi.context.CallContexts;
import io.microcdi.config.ConfigException;
import io.microcdi.errors.MicroException;
import io.microcdi.internal.model.Capabilities;
import io.microcdi.internal.model.EndpointNames;
import io.microcdi.internal.model.MethodShape;
import io.microcdi.internal.model.ModelValidator;
import io.microcdi.internal.model.ServiceModel;
import io.microcdi.metadata.Metadata;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Builds the object behind {@code @Inject @MicroClient("greeter") GreeterApi greeter}: every interface method is
 * resolved once (endpoint name, encoder, decoder), so a call is a map lookup, an encode, a send and a decode.
 *
 * <pre>{@code
 * GreeterApi greeter = ClientProxies.create(GreeterApi.class, "greeter", client, codec);
 * }</pre>
 */
public final class ClientProxies {

    private static final byte[] EMPTY = new byte[0];
    private static final long STALL_MARGIN_MILLIS = 1000;

    private ClientProxies() {
    }

    /** The validator's view of a client interface's abstract methods. */
    public static List<MethodShape> shapes(Class<?> type) {
        List<MethodShape> shapes = new ArrayList<>();
        for (Method m : clientMethods(type)) {
            shapes.add(ServiceModel.shape(m));
        }
        return shapes;
    }

    /** The names of the methods of client interface {@code type} that stream, requests or responses. */
    public static List<String> streamingMethods(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (Method m : clientMethods(type)) {
            if (ServiceModel.streaming(m) != EndpointDefinition.Streaming.NONE) {
                names.add(m.getName());
            }
        }
        return names;
    }

    /** The methods that call endpoints: abstract, and not {@code toString}/{@code equals}/{@code hashCode}. */
    private static List<Method> clientMethods(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && !ServiceModel.isObjectMethod(m)) {
                methods.add(m);
            }
        }
        return methods;
    }

    /**
     * A proxy of {@code type} calling service {@code service} through {@code client}, encoding with {@code codec}.
     *
     * @throws IllegalArgumentException when {@code type} is not a valid client interface
     */
    public static <T> T create(Class<T> type, String service, Client client, Codec codec) {
        return create(type, service, client, codec, ClientInterception.NONE);
    }

    /**
     * As {@link #create(Class, String, Client, Codec)}, each method's call inside what {@code interception} puts
     * around it (resolved here, once per method). {@code client} is the one to call through, already
     * {@linkplain Client#wrap wrapped} for this interface.
     */
    public static <T> T create(Class<T> type, String service, Client client, Codec codec,
                               ClientInterception interception) {
        return create(type, service, client, Codecs.of(List.of(codec)), codec.contentType(), interception);
    }

    /**
     * As {@link #create(Class, String, Client, Codec, ClientInterception)}, each method calling with the content type
     * its {@link ContentType} names, else its interface's, else {@code contentType}, encoded by that codec of
     * {@code codecs}.
     *
     * @throws IllegalArgumentException when {@code type} is not a valid client interface, a content type has no
     *                                  codec, or a codec cannot carry a method's types
     * @throws ConfigException          when {@code type} has a streaming method and {@code client} is no
     *                                  {@link StreamingClient} (MICRO-0207)
     */
    public static <T> T create(Class<T> type, String service, Client client, Codecs codecs, String contentType,
                               ClientInterception interception) {
        List<String> problems = ModelValidator.client(type.getName(), type.isInterface(), shapes(type));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<String> streaming = streamingMethods(type);
        StreamingClient streams = client instanceof StreamingClient s ? s : null;
        if (!streaming.isEmpty() && streams == null) {
            throw new ConfigException(Capabilities.clientCannotStream(type.getName(), streaming, client));
        }
        Endpoint onType = type.getAnnotation(Endpoint.class);
        String handler = onType != null ? onType.value() : EndpointNames.clientHandler(type.getSimpleName());
        ContentType typeContentType = type.getAnnotation(ContentType.class);
        Map<Method, ClientInterception.MethodCall> calls = new HashMap<>();
        for (Method m : clientMethods(type)) {
            ContentType own = m.getAnnotation(ContentType.class);
            String ct = own != null ? own.value() : typeContentType != null ? typeContentType.value() : contentType;
            String where = type.getName() + "." + m.getName();
            Codec codec = codecs.get(ct);
            if (codec == null) {
                throw new IllegalArgumentException(where + ": content type " + ct
                        + (own != null || typeContentType != null ? " of @ContentType" : "")
                        + " (expected: one of " + String.join(", ", codecs.contentTypes()) + ")");
            }
            ClientInterception.MethodCall call = ServiceModel.streaming(m) == EndpointDefinition.Streaming.NONE
                    ? new Call(service, handler, m, client, codec)
                    : new StreamCall(service, handler, m, streams, codec);
            calls.put(m, interception.around(type, m, call));
        }
        Handler h = new Handler(type, service, Map.copyOf(calls));
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, h));
    }

    private record Handler(Class<?> type, String service, Map<Method, ClientInterception.MethodCall> calls)
            implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            ClientInterception.MethodCall call = calls.get(method);
            if (call != null) {
                return call.invoke(proxy, args);
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return switch (method.getName()) {
                case "toString" -> "@MicroClient(\"" + service + "\") " + type.getName();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new IllegalStateException("not a client method: " + method);
            };
        }
    }

    /**
     * One streaming interface method, resolved: a {@code Flow.Publisher} it returns opens a stream for each
     * subscriber; a {@code CompletionStage} it returns (client streaming) opens one at once.
     */
    private static final class StreamCall implements ClientInterception.MethodCall {
        private final String service;
        private final String endpoint;
        private final EndpointDefinition.Streaming kind;
        private final StreamingClient client;
        private final CallOptions options;
        private final Request open;
        private final Codec.Encoder encoder;
        private final Codec.Decoder<?> decoder;
        private final boolean takesRequest;

        StreamCall(String service, String handler, Method m, StreamingClient client, Codec codec) {
            Endpoint e = m.getAnnotation(Endpoint.class);
            this.kind = ServiceModel.streaming(m);
            this.service = service;
            this.endpoint = e != null ? e.value()
                    : EndpointNames.endpoint(handler, EndpointNames.clientMethod(m.getName(), false));
            this.client = client;
            this.options = client.defaultOptions(service);
            this.open = new Request(service, endpoint, codec.contentType(), EMPTY, Metadata.empty());
            this.takesRequest = m.getParameterCount() == 1;
            try {
                this.encoder = takesRequest
                        ? codec.encoder(ServiceModel.requestType(m.getGenericParameterTypes()[0])) : null;
                this.decoder = codec.decoder(ServiceModel.responseType(m.getGenericReturnType()));
            } catch (IllegalArgumentException unsupported) {
                throw new IllegalArgumentException(m.getDeclaringClass().getName() + "." + m.getName() + ": "
                        + unsupported.getMessage(), unsupported);
            }
            if (kind == EndpointDefinition.Streaming.CLIENT
                    && !m.getReturnType().isAssignableFrom(CompletableFuture.class)) {
                throw new IllegalArgumentException(m + ": a client-streaming method returns CompletionStage or "
                        + "CompletableFuture");
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object invoke(Object proxy, Object[] args) {
            Object argument = args == null || args.length == 0 ? null : args[0];
            Flow.Publisher<byte[]> requests;
            if (kind.requestsStream()) {
                Flow.Publisher<Object> source = (Flow.Publisher<Object>) Objects.requireNonNull(argument,
                        "requests (expected: a Flow.Publisher, not null)");
                requests = subscriber -> Flows.map(source, this::encode).subscribe(subscriber);
            } else {
                requests = takesRequest && argument != null ? Streams.of(encode(argument)) : Streams.of();
            }
            Flow.Publisher<Object> responses = subscriber ->
                    Flows.map(client.stream(open, requests, options), this::decode).subscribe(subscriber);
            if (kind.responsesStream()) {
                return responses;
            }
            return Flows.single(responses, what -> new MicroException("go.micro.client", 500, service + " "
                    + endpoint + " answered its stream with " + what + " (expected: one)",
                    MicroException.statusText(500)));
        }

        private byte[] encode(Object value) {
            try {
                return encoder.encode(value);
            } catch (CodecException e) {
                throw codecError(service + " " + endpoint + ": " + e.getMessage(), e);
            }
        }

        private Object decode(Response r) {
            return ClientProxies.decode(decoder, r, service, endpoint);
        }
    }

    /** A response decoded, or the codec's failure as the client's 500. */
    private static Object decode(Codec.Decoder<?> decoder, Response r, String service, String endpoint) {
        try {
            return decoder.decode(r.body());
        } catch (CodecException e) {
            throw codecError(service + " " + endpoint + ": " + e.getMessage(), e);
        }
    }

    private static MicroException codecError(String detail, CodecException cause) {
        return new MicroException("go.micro.client.codec", 500, detail, MicroException.statusText(500), cause);
    }

    /** One interface method, resolved. */
    private static final class Call implements ClientInterception.MethodCall {
        private final String service;
        private final String endpoint;
        private final String contentType;
        private final Client client;
        private final CallOptions options;
        private final Codec.Encoder encoder;
        private final Codec.Decoder<?> decoder;
        private final boolean takesRequest;
        private final boolean async;
        /** {@link #decode}, made once: async calls hand it to their future. */
        private final Function<Response, Object> decoding = this::decode;

        Call(String service, String handler, Method m, Client client, Codec codec) {
            Endpoint e = m.getAnnotation(Endpoint.class);
            this.async = CompletionStage.class.isAssignableFrom(m.getReturnType());
            this.service = service;
            this.endpoint = e != null ? e.value()
                    : EndpointNames.endpoint(handler, EndpointNames.clientMethod(m.getName(), async));
            this.contentType = codec.contentType();
            this.client = client;
            this.options = client.defaultOptions(service);
            this.takesRequest = m.getParameterCount() == 1;
            Type responseType = ServiceModel.responseType(m.getGenericReturnType());
            boolean none = responseType == void.class || responseType == Void.class;
            try {
                this.encoder = takesRequest ? codec.encoder(m.getGenericParameterTypes()[0]) : null;
                this.decoder = none ? data -> null : codec.decoder(responseType);
            } catch (IllegalArgumentException unsupported) {
                // the codec cannot carry the method's types: said now, when the client is made, not per call
                throw new IllegalArgumentException(m.getDeclaringClass().getName() + "." + m.getName() + ": "
                        + unsupported.getMessage(), unsupported);
            }
            if (async && !m.getReturnType().isAssignableFrom(CompletableFuture.class)) {
                throw new IllegalArgumentException(m + ": an async client method returns CompletionStage or "
                        + "CompletableFuture");
            }
        }

        @Override
        public Object invoke(Object proxy, Object[] args) throws Throwable {
            Object argument = args == null || args.length == 0 ? null : args[0];
            byte[] body;
            try {
                body = takesRequest && argument != null ? encoder.encode(argument) : EMPTY;
            } catch (CodecException e) {
                throw codecError(e.getMessage(), e);
            }
            CompletableFuture<Response> f = client.call(
                    new Request(service, endpoint, contentType, body, Metadata.empty()), options);
            if (async) {
                // completed off the I/O threads, with no hop when the answer arrives elsewhere or a caller waits on it;
                // its dependents run in the context of the call being handled, if any (they are its continuation)
                return CallerFuture.of(f, decoding, CallContexts.current());
            }
            try {
                // the client always completes within the budget; the margin only guards against a stalled I/O thread
                return decode(f.get(options.requestTimeout().toMillis() + STALL_MARGIN_MILLIS, TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                throw rethrowable(e.getCause());
            } catch (TimeoutException e) {
                f.cancel(false);
                throw new MicroException("go.micro.client", 408, "no answer from " + service + " " + endpoint
                        + " within " + options.requestTimeout(), MicroException.statusText(408), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.cancel(false);
                throw new MicroException("go.micro.client", 408, "interrupted while calling " + endpoint,
                        MicroException.statusText(408), e);
            }
        }

        private Object decode(Response r) {
            return ClientProxies.decode(decoder, r, service, endpoint);
        }

        private static Throwable rethrowable(Throwable t) {
            while (t instanceof CompletionException && t.getCause() != null) {
                t = t.getCause();
            }
            return t;
        }
    }
}
