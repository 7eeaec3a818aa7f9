package io.microcdi.codec;

import java.util.Arrays;

/**
 * A codec whose body wraps the message in an envelope that carries the method, a sequence id and, in answers, the
 * error: Go Micro's {@code jsonrpc} and {@code protorpc}, the form of requests without {@code Micro-*} routing
 * headers. Its {@link #decoder}/{@link #encoder} are those of the message inside (JSON, protobuf); the client and
 * the server wrap and unwrap around them.
 *
 * <pre>{@code
 * Envelope.Frame in = jsonRpc.readRequest(body);           // {"method":"Greeter.Hello","params":[{...}],"id":1}
 * HelloRequest req = decoder.decode(in.data(), in.offset(), in.length());
 * byte[] out = jsonRpc.writeResponse(in.method(), in.id(), null, encoder.encode(reply));
 * }</pre>
 *
 * <p>Reads do not copy the message: the frame points into the bytes read.
 */
public interface Envelope extends Codec {

    /**
     * The method, id and message of a request envelope.
     *
     * @throws CodecException when {@code data} is not a whole envelope of this format (malformed, truncated)
     */
    Frame readRequest(byte[] data);

    /** A request envelope around {@code message}, the encoded request ({@code id} may be {@code null}). */
    byte[] writeRequest(String method, String id, byte[] message);

    /**
     * The id, error and message of a response envelope.
     *
     * @throws CodecException when {@code data} is not a whole envelope of this format
     */
    Frame readResponse(byte[] data);

    /**
     * A response envelope: {@code message} (the encoded answer) when {@code error} is {@code null}, else the error
     * text (Go Micro's error JSON) and no message. {@code method} and {@code id} may be {@code null};
     * {@code idString} tells whether the request sent its id as a string ({@link Frame#idString()}): a format that
     * has both (JSON-RPC) echoes the id as sent, one whose ids are numbers only (protobuf) has nothing to echo.
     */
    byte[] writeResponse(String method, String id, boolean idString, String error, byte[] message);

    /** {@link #writeResponse(String, String, boolean, String, byte[])} to a request whose id, if any, was a number. */
    default byte[] writeResponse(String method, String id, String error, byte[] message) {
        return writeResponse(method, id, false, error, message);
    }

    /**
     * What an envelope holds: the message is {@code length} bytes of {@code data} from {@code offset}.
     *
     * @param method {@code Handler.Method}, or {@code null} when the envelope has none
     * @param id     the sequence id as text, or {@code null}
     * @param error  the error text of an answer, or {@code null} for none
     * @param data   the bytes read
     * @param offset where the message starts in {@code data}
     * @param length the message's length (0: an empty message)
     * @param idString whether the id was sent as a string (JSON-RPC {@code "id":"1"}) rather than a number
     */
    record Frame(String method, String id, String error, byte[] data, int offset, int length, boolean idString) {

        /** A frame whose id, if any, is not a string. */
        public Frame(String method, String id, String error, byte[] data, int offset, int length) {
            this(method, id, error, data, offset, length, false);
        }

        public Frame {
            if (offset < 0 || length < 0 || offset + length > data.length) {
                throw new IllegalArgumentException("message at " + offset + "+" + length + " (expected: within "
                        + data.length + " bytes)");
            }
        }

        /** The message on its own: {@code data} itself when it is all message, else a copy. */
        public byte[] message() {
            return offset == 0 && length == data.length ? data : Arrays.copyOfRange(data, offset, offset + length);
        }
    }
}
