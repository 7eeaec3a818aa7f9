package io.microcdi.codec.proto;

import com.google.protobuf.Empty;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.microcdi.testing.codec.CodecContract;
import io.microcdi.testing.codec.CodecContract.Sample;

import java.util.List;

/**
 * What the protobuf codecs carry in {@link CodecContract}: generated messages, here the well-known types that
 * protobuf-java ships, and bytes that are no protobuf message.
 */
public final class ProtoSamples {

    private ProtoSamples() {
    }

    public static CodecContract.Samples samples() {
        Struct address = struct("city", text("Oslo"), "street", text("Main St 1"));
        Struct customer = struct("name", text("Ann"), "address", Value.newBuilder().setStructValue(address).build());
        Struct nested = struct("id", text("o-1"), "customer", Value.newBuilder().setStructValue(customer).build(),
                "quantity", Value.newBuilder().setNumberValue(7e9).build());
        ListValue lists = ListValue.newBuilder().addValues(text("a"))
                .addValues(Value.newBuilder().setListValue(ListValue.getDefaultInstance()))
                .addValues(Value.newBuilder().setStructValue(struct("sku", text("b-2"))))
                .build();
        Struct maps = struct("a", text("1"), "b", Value.newBuilder().setBoolValue(true).build(),
                "c", Value.newBuilder().setNumberValue(-2.5).build());
        Struct nulls = struct("note", Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build(), "id", text("o-2"));
        return new CodecContract.Samples(Sample.of(nested), Sample.of(lists), Sample.of(maps), Sample.of(nulls),
                Sample.of(StringValue.of(CodecContract.UNICODE)), Sample.of(Empty.getDefaultInstance()),
                List.of(new byte[] {0x0a, 10, 'J'}, // a field cut short
                        varintTooLong(),
                        new byte[] {0x0f}), // wire type 7
                CodecContract.Order.class);
    }

    /** Eleven bytes of varint: longer than the ten a 64-bit value may take. */
    private static byte[] varintTooLong() {
        byte[] b = new byte[11];
        java.util.Arrays.fill(b, (byte) 0x80);
        b[10] = 1;
        return b;
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Struct struct(Object... keysAndValues) {
        Struct.Builder b = Struct.newBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object v = keysAndValues[i + 1];
            b.putFields((String) keysAndValues[i], v instanceof Struct s
                    ? Value.newBuilder().setStructValue(s).build() : (Value) v);
        }
        return b.build();
    }
}
