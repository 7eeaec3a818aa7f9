package io.microcdi.codec.protorpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import io.microcdi.codec.proto.ProtoCodec;

import java.io.IOException;
import java.lang.reflect.Type;

/**
 * {@code application/proto-rpc}: Go Micro's protorpc, two frames of a 4-byte big-endian length and bytes, first the
 * envelope (proto2 {@code Request{service_method=1; fixed64 seq=2}}, {@code Response{service_method=1; seq=2;
 * error=3}}), then the protobuf message.
 *
 * <pre>{@code
 * byte[] wire = new ProtoRpcCodec().writeRequest("Greeter.Hello", "1", helloRequest.toByteArray());
 * // 00 00 00 18 | 0a 0d "Greeter.Hello" 11 01 00 00 00 00 00 00 00 | 00 00 00 06 | 0a 04 "John"
 * }</pre>
 *
 * <p>The two envelope messages are written and read field by field with protobuf-java's coded streams: no
 * generated code. The message is read in place, by the protobuf codec.
 */
public final class ProtoRpcCodec implements Envelope {

    /** The content type. */
    public static final String CONTENT_TYPE = "application/proto-rpc";

    private static final int METHOD = 1;
    private static final int SEQ = 2;
    private static final int ERROR = 3;

    private final Codec proto;

    /** The envelope around the protobuf codec. */
    public ProtoRpcCodec() {
        this(new ProtoCodec());
    }

    /** The envelope around {@code proto}, the codec of the message inside. */
    public ProtoRpcCodec(Codec proto) {
        this.proto = proto;
    }

    @Override
    public String name() {
        return "protorpc";
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public <T> Decoder<T> decoder(Type type) {
        return proto.decoder(type);
    }

    @Override
    public Encoder encoder(Type type) {
        return proto.encoder(type);
    }

    @Override
    public Frame readRequest(byte[] data) {
        return read(data, false);
    }

    @Override
    public Frame readResponse(byte[] data) {
        return read(data, true);
    }

    @Override
    public byte[] writeRequest(String method, String id, byte[] message) {
        return write(method, id, null, false, message);
    }

    /** Protobuf sequence ids are numbers: {@code idString} has nothing to choose between. */
    @Override
    public byte[] writeResponse(String method, String id, boolean idString, String error, byte[] message) {
        return write(method, id, error, true, error == null ? message : new byte[0]);
    }

    private static byte[] write(String method, String id, String error, boolean response, byte[] message) {
        String m = method == null ? "" : method;
        long seq = seq(id);
        int size = CodedOutputStream.computeStringSize(METHOD, m) + CodedOutputStream.computeFixed64Size(SEQ, seq);
        if (response) {
            // Go Micro always sets the error field of a response, empty when there is none
            size += CodedOutputStream.computeStringSize(ERROR, error == null ? "" : error);
        }
        byte[] out = new byte[4 + size + 4 + message.length];
        length(out, 0, size);
        CodedOutputStream o = CodedOutputStream.newInstance(out, 4, size);
        try {
            o.writeString(METHOD, m);
            o.writeFixed64(SEQ, seq);
            if (response) {
                o.writeString(ERROR, error == null ? "" : error);
            }
            o.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("proto-rpc: envelope of " + size + " bytes did not fit", e);
        }
        length(out, 4 + size, message.length);
        System.arraycopy(message, 0, out, 8 + size, message.length);
        return out;
    }

    /** Go Micro's sequence is a uint64; an id that is none (from a header, say) travels as 0. */
    private static long seq(String id) {
        if (id == null || id.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(id);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void length(byte[] out, int at, int n) {
        out[at] = (byte) (n >>> 24);
        out[at + 1] = (byte) (n >>> 16);
        out[at + 2] = (byte) (n >>> 8);
        out[at + 3] = (byte) n;
    }

    private static Frame read(byte[] data, boolean response) {
        int envelope = frame(data, 0, "envelope");
        int body = frame(data, 4 + envelope, "message");
        if (8 + envelope + body != data.length) {
            throw new CodecException("proto-rpc: " + (data.length - 8 - envelope - body) + " bytes after the message "
                    + "frame (expected: length-prefixed envelope, then message, then the end)", null);
        }
        String method = null;
        String id = null;
        String error = null;
        CodedInputStream in = CodedInputStream.newInstance(data, 4, envelope);
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = WireFormat.getTagFieldNumber(tag);
                int type = WireFormat.getTagWireType(tag);
                if (field == METHOD && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    method = in.readString();
                } else if (field == SEQ && type == WireFormat.WIRETYPE_FIXED64) {
                    id = Long.toUnsignedString(in.readFixed64());
                } else if (field == ERROR && type == WireFormat.WIRETYPE_LENGTH_DELIMITED && response) {
                    error = in.readString();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new CodecException("proto-rpc: malformed " + (response ? "Response" : "Request") + " envelope: "
                    + e.getMessage(), e);
        }
        return new Frame(method == null || method.isEmpty() ? null : method, id,
                error == null || error.isEmpty() ? null : error, data, 8 + envelope, body);
    }

    /** The length of the frame at {@code at}, checked against what is there. */
    private static int frame(byte[] data, int at, String what) {
        if (data.length - at < 4) {
            throw new CodecException("proto-rpc: truncated: " + (data.length - at) + " bytes where the " + what
                    + " frame's 4-byte length belongs (expected: length-prefixed envelope, then message)", null);
        }
        long n = ((data[at] & 0xffL) << 24) | ((data[at + 1] & 0xff) << 16) | ((data[at + 2] & 0xff) << 8)
                | (data[at + 3] & 0xff);
        if (n > data.length - at - 4) {
            throw new CodecException("proto-rpc: truncated: the " + what + " frame announces " + n + " bytes, "
                    + (data.length - at - 4) + " follow", null);
        }
        return (int) n;
    }
}
