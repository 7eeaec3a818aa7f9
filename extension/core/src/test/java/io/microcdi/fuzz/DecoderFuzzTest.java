package io.microcdi.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Struct;
import io.microcdi.broker.delivery.BrokerJson;
import io.microcdi.broker.delivery.BrokerJsonAccess;
import io.microcdi.codec.Codec;
import io.microcdi.codec.CodecException;
import io.microcdi.codec.Envelope;
import io.microcdi.codec.json.JsonCodec;
import io.microcdi.codec.jsonrpc.JsonRpcCodec;
import io.microcdi.codec.proto.ProtoCodec;
import io.microcdi.codec.protorpc.ProtoRpcCodec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz targets for what a server reads from the network before any handler runs: the codecs' decoders and envelopes
 * (JSON, JSON-RPC, protobuf, proto-RPC) and the broker message reader. Each either reads its input or refuses it with
 * its own checked kind of error; anything else thrown is a finding.
 *
 * <p>The test command replays the saved inputs (under {@code src/test/resources/io/microcdi/fuzz/DecoderFuzzTestInputs});
 * {@code scripts/fuzz} fuzzes one target for a while ({@code JAZZER_FUZZ=1}) and keeps what crashes it there.
 */
class DecoderFuzzTest {

    public record Order(String id, long quantity, List<String> items, Map<String, Double> prices, boolean rush) {
    }

    private static final Codec.Decoder<Order> JSON = new JsonCodec().decoder(Order.class);
    private static final JsonRpcCodec JSON_RPC = new JsonRpcCodec();
    private static final Codec.Decoder<Order> JSON_RPC_ORDER = JSON_RPC.decoder(Order.class);
    private static final Codec.Decoder<Struct> PROTO = new ProtoCodec().decoder(Struct.class);
    private static final ProtoRpcCodec PROTO_RPC = new ProtoRpcCodec();
    private static final Codec.Decoder<Struct> PROTO_RPC_STRUCT = PROTO_RPC.decoder(Struct.class);

    @FuzzTest(maxDuration = "10m")
    void json(byte[] data) {
        try {
            JSON.decode(data, 0, data.length);
        } catch (CodecException refused) {
            // a clear refusal: the server answers 400
        }
    }

    @FuzzTest(maxDuration = "10m")
    void jsonRpcRequest(byte[] data) {
        envelope(JSON_RPC, JSON_RPC_ORDER, data);
    }

    @FuzzTest(maxDuration = "10m")
    void protobuf(byte[] data) {
        try {
            PROTO.decode(data, 0, data.length);
        } catch (CodecException refused) {
            // a clear refusal
        }
    }

    @FuzzTest(maxDuration = "10m")
    void protoRpcRequest(byte[] data) {
        envelope(PROTO_RPC, PROTO_RPC_STRUCT, data);
    }

    private static void envelope(Envelope envelope, Codec.Decoder<?> decoder, byte[] data) {
        byte[] copy = data.clone();
        Envelope.Frame frame;
        try {
            frame = envelope.readRequest(data);
        } catch (CodecException refused) {
            return;
        }
        assertThat(data).as("the envelope reads in place, never writes").isEqualTo(copy);
        if (frame.error() != null) {
            return;
        }
        assertThat(frame.offset()).isBetween(0, data.length);
        assertThat(frame.length()).isBetween(0, data.length - frame.offset());
        try {
            decoder.decode(frame.data(), frame.offset(), frame.length());
        } catch (CodecException refused) {
            // a message that does not decode: 400
        }
    }

    /**
     * The broker message reader: what it reads it writes again and reads back the same; and the parser-free reader,
     * whenever it takes an input, agrees with Jackson's.
     */
    @FuzzTest(maxDuration = "10m")
    void brokerMessage(byte[] data) {
        BrokerJson.Decoded read;
        try {
            read = BrokerJson.decode(data, ":topic");
        } catch (BrokerJson.MalformedException refused) {
            return;
        }
        BrokerJson.Decoded fast = BrokerJsonAccess.goShape(data, ":topic");
        if (fast != null) {
            BrokerJson.Decoded slow;
            try {
                slow = BrokerJsonAccess.anyShape(data, ":topic");
            } catch (BrokerJson.MalformedException e) {
                throw new AssertionError("the fast reader took what Jackson refuses: " + e.getMessage(), e);
            }
            assertThat(fast.message().header()).isEqualTo(slow.message().header());
            assertThat(fast.message().body()).isEqualTo(slow.message().body());
            assertThat(fast.extracted()).isEqualTo(slow.extracted());
        }
        byte[] again = BrokerJson.encode(read.message(), null, null);
        BrokerJson.Decoded back;
        try {
            back = BrokerJson.decode(again, ":topic");
        } catch (BrokerJson.MalformedException e) {
            throw new AssertionError("what it wrote does not read: " + new String(again) + " from "
                    + Arrays.toString(data), e);
        }
        assertThat(back.message().header()).isEqualTo(read.message().header());
        assertThat(back.message().body()).isEqualTo(read.message().body());
    }
}
