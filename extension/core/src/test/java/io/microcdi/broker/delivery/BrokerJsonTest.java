package io.microcdi.broker.delivery;

import io.microcdi.broker.BrokerMessage;
import io.microcdi.codec.GoJson;
import io.microcdi.metadata.Metadata;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte-level encoder and the parser-free reader agree with Go's rules (the reference below: sorted keys, Go's
 * escaping, base64) and with the Jackson reader, on random messages; what the fast reader does not take, Jackson does.
 */
class BrokerJsonTest {

    private static final String[] PIECES = {"a", "Content-Type", "Micro-Id", "x", "é", "<", ">", "&", "\"", "\\",
        "\n", "\u0001", "\u2028", "😀", " ", "Z", ":topic", "9", "application/json", "~"};

    /** What Go's json.Marshal writes for a broker.Message, built the plain way: a sorted map and Go's quoting. */
    private static String reference(BrokerMessage m, String extraKey, String extraValue) {
        Map<String, String> header = new TreeMap<>();
        m.header().forEach((k, v) -> {
            if (!k.equals(extraKey)) {
                header.put(k, v);
            }
        });
        if (extraKey != null) {
            header.put(extraKey, extraValue);
        }
        StringBuilder sb = new StringBuilder("{\"Header\":");
        if (header.isEmpty()) {
            sb.append("null");
        } else {
            sb.append('{');
            header.forEach((k, v) -> {
                if (sb.charAt(sb.length() - 1) != '{') {
                    sb.append(',');
                }
                GoJson.quote(sb, k);
                sb.append(':');
                GoJson.quote(sb, v);
            });
            sb.append('}');
        }
        return sb.append(",\"Body\":\"").append(Base64.getEncoder().encodeToString(m.body())).append("\"}").toString();
    }

    private static String word(Random r, boolean ascii) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(4); i >= 0; i--) {
            String p = PIECES[r.nextInt(PIECES.length)];
            if (!ascii || p.chars().allMatch(c -> c >= 0x20 && c < 0x7f && "\"\\<>&".indexOf(c) < 0)) {
                sb.append(p);
            }
        }
        return sb.toString();
    }

    private static BrokerMessage random(Random r, boolean ascii) {
        Metadata.Builder b = Metadata.builder(4);
        for (int i = r.nextInt(5); i > 0; i--) {
            b.put(word(r, ascii), word(r, ascii));
        }
        byte[] body = new byte[r.nextInt(3) == 0 ? r.nextInt(4) : r.nextInt(300)];
        r.nextBytes(body);
        return new BrokerMessage(b.build(), body);
    }

    @Test
    void encodesAsGoDoesWhateverTheHeadersHold() {
        Random r = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            BrokerMessage m = random(r, r.nextBoolean());
            boolean extra = r.nextBoolean();
            String key = extra ? word(r, false) : null;
            String value = extra ? word(r, false) : null;

            assertThat(new String(BrokerJson.encode(m, key, value), StandardCharsets.UTF_8))
                    .as("message %d", i).isEqualTo(reference(m, key, value));
        }
    }

    @Test
    void readsBackWhatItWritesAndBothReadersAgree() throws Exception {
        Random r = new Random(11);
        int fast = 0;
        for (int i = 0; i < 5_000; i++) {
            BrokerMessage m = random(r, r.nextBoolean());
            byte[] json = BrokerJson.encode(m, ":topic", "orders");

            BrokerJson.Decoded d = BrokerJson.decode(json, ":topic");
            BrokerJson.Decoded slow = BrokerJson.decodeAnyShape(json, ":topic");
            BrokerJson.Decoded quick = BrokerJson.decodeGoShape(json, ":topic");

            assertThat(d.extracted()).isEqualTo("orders");
            assertThat(d.message().header()).as("message %d", i).isEqualTo(m.header().without(":topic"));
            assertThat(d.message().body()).isEqualTo(m.body());
            assertThat(slow.message().header()).isEqualTo(d.message().header());
            assertThat(slow.message().body()).isEqualTo(d.message().body());
            if (quick != null) {
                fast++;
                assertThat(quick.message().header()).isEqualTo(d.message().header());
                assertThat(quick.message().body()).isEqualTo(d.message().body());
            }
        }
        assertThat(fast).as("messages read without the parser").isGreaterThan(2_000);
    }

    @Test
    void goShapesAreReadWithoutTheParser() {
        for (String json : new String[] {"{\"Header\":null,\"Body\":\"\"}", "{\"Header\":{},\"Body\":\"AQID\"}",
            "{\"Header\":{\"A\":\"1\",\"Content-Type\":\"application/json\"},\"Body\":\"eyJpZCI6NDJ9\"}",
            "{\"Header\":{\"A\":\"\"},\"Body\":\"QQ==\"}", "{\"Header\":null,\"Body\":\"QUI=\"}"}) {
            assertThat(BrokerJson.decodeGoShape(json.getBytes(StandardCharsets.UTF_8), null)).as(json).isNotNull();
        }
    }

    @Test
    void whatTheFastReaderLeavesJacksonReadsOrRefuses() throws Exception {
        // spacing, order, case, escapes, unpadded or wrapped base64: Go reads them all
        String[][] accepted = {
            {"{ \"Header\" : {\"A\":\"1\"}, \"Body\": \"QQ==\" }", "A", "1", "A"},
            {"{\"Body\":\"QQ==\",\"Header\":{\"A\":\"1\"}}", "A", "1", "A"},
            {"{\"header\":{\"A\":\"\\u003c\"},\"body\":\"QQ==\"}", "A", "<", "A"},
            {"{\"Header\":{\"A\":\"é\"},\"Body\":\"QQ==\"}", "A", "é", "A"},
            {"{\"Header\":{\"A\":\"1\"},\"Body\":null}", "A", "1", ""},
        };
        for (String[] c : accepted) {
            byte[] json = c[0].getBytes(StandardCharsets.UTF_8);
            assertThat(BrokerJson.decodeGoShape(json, null)).as(c[0]).isNull();
            BrokerJson.Decoded d = BrokerJson.decode(json, null);
            assertThat(d.message().header().get(c[1])).as(c[0]).isEqualTo(c[2]);
            assertThat(new String(d.message().body(), StandardCharsets.UTF_8)).as(c[0]).isEqualTo(c[3]);
        }
        for (String bad : new String[] {"{\"Header\":null,\"Body\":\"!!!!\"}", "{\"Header\":null,\"Body\":\"QQ=\"}",
            "{\"Header\":null,\"Body\":\"Q=Q=\"}", "{\"Header\":{\"A\":1},\"Body\":\"\"}",
            "{\"Header\":{\"A\":\"1\"},\"Body\":\"\"}}", "{\"Header\":{\"A\":\"1\",},\"Body\":\"\"}",
            "{\"Header\":{\"A\"},\"Body\":\"\"}", "{\"Header\":null,\"Body\":\"\"", "{\"Header\":"}) {
            assertThatThrownBy(() -> BrokerJson.decode(bad.getBytes(StandardCharsets.UTF_8), null)).as(bad)
                    .isInstanceOf(BrokerJson.MalformedException.class);
        }
    }
}
