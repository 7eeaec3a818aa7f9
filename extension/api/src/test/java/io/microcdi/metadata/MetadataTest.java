package io.microcdi.metadata;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class MetadataTest {

    @Test
    void getIgnoresKeyCase() {
        Metadata md = Metadata.of("X-User-Id", "42");

        assertThat(md.get("x-user-id")).isEqualTo("42");
        assertThat(md.get("X-USER-ID")).isEqualTo("42");
        assertThat(md.get("X-User-Id")).isEqualTo("42");
    }

    @Test
    void getOfMissingKeyIsNull() {
        Metadata md = Metadata.of("A", "1");

        assertThat(md.get("B")).isNull();
        assertThat(md.get(null)).isNull();
        assertThat(Metadata.empty().get("A")).isNull();
    }

    @Test
    void getOrDefaultFallsBackOnlyWhenMissing() {
        Metadata md = Metadata.of("A", "");

        assertThat(md.getOrDefault("a", "x")).isEmpty();
        assertThat(md.getOrDefault("b", "x")).isEqualTo("x");
    }

    @Test
    void containsIgnoresKeyCase() {
        Metadata md = Metadata.of("Content-Type", "application/json");

        assertThat(md.contains("content-type")).isTrue();
        assertThat(md.contains("CONTENT-TYPE")).isTrue();
        assertThat(md.contains("Content")).isFalse();
        assertThat(Metadata.empty().contains("Content-Type")).isFalse();
    }

    @Test
    void withAddsWithoutMutatingOriginal() {
        Metadata md = Metadata.of("A", "1");

        Metadata more = md.with("B", "2");

        assertThat(more.get("B")).isEqualTo("2");
        assertThat(more.size()).isEqualTo(2);
        assertThat(md.contains("B")).isFalse();
        assertThat(md.size()).isEqualTo(1);
    }

    @Test
    void withReplacesEntryGivenInAnotherCase() {
        Metadata md = Metadata.of("Trace-Id", "old", "Other", "x");

        Metadata replaced = md.with("TRACE-ID", "new");

        assertThat(replaced.size()).isEqualTo(2);
        assertThat(replaced.get("trace-id")).isEqualTo("new");
        assertThat(replaced.asMap()).containsExactly(entry("TRACE-ID", "new"), entry("Other", "x"));
        assertThat(md.get("Trace-Id")).isEqualTo("old");
        assertThat(md.asMap()).containsExactly(entry("Trace-Id", "old"), entry("Other", "x"));
    }

    @Test
    void withOnEmptyCreatesOneEntry() {
        Metadata md = Metadata.empty().with("A", "1");

        assertThat(md.asMap()).containsExactly(entry("A", "1"));
        assertThat(Metadata.empty().isEmpty()).isTrue();
    }

    @Test
    void withRejectsNulls() {
        assertThatThrownBy(() -> Metadata.empty().with(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Metadata.empty().with("k", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void mergeLetsOtherWinOnEqualKeysInAnyCase() {
        Metadata a = Metadata.of("A", "1", "Shared", "from-a");
        Metadata b = Metadata.of("shared", "from-b", "C", "3");

        Metadata merged = a.merge(b);

        assertThat(merged.size()).isEqualTo(3);
        assertThat(merged.get("SHARED")).isEqualTo("from-b");
        assertThat(merged.asMap()).containsExactly(entry("A", "1"), entry("shared", "from-b"), entry("C", "3"));
        assertThat(a.get("Shared")).isEqualTo("from-a");
        assertThat(b.size()).isEqualTo(2);
    }

    @Test
    void mergeWithEmptyReturnsTheOtherSide() {
        Metadata a = Metadata.of("A", "1");

        assertThat(a.merge(Metadata.empty())).isSameAs(a);
        assertThat(Metadata.empty().merge(a)).isSameAs(a);
    }

    @Test
    void builderPutReplacesEarlierKeyInAnyCase() {
        Metadata md = Metadata.builder(1)
                .put("Key", "1")
                .put("Other", "2")
                .put("KEY", "3")
                .build();

        assertThat(md.size()).isEqualTo(2);
        assertThat(md.asMap()).containsExactly(entry("KEY", "3"), entry("Other", "2"));
    }

    @Test
    void builderGrowsBeyondExpectedSize() {
        Metadata.Builder b = Metadata.builder(0);
        for (int i = 0; i < 50; i++) {
            b.put("k" + i, "v" + i);
        }
        Metadata md = b.build();

        assertThat(md.size()).isEqualTo(50);
        assertThat(md.get("K49")).isEqualTo("v49");
        assertThat(md.get("k0")).isEqualTo("v0");
    }

    @Test
    void emptyBuilderBuildsEmpty() {
        assertThat(Metadata.builder(4).build()).isSameAs(Metadata.empty());
        assertThat(Metadata.of()).isSameAs(Metadata.empty());
    }

    @Test
    void builderDoesNotShareStateWithBuiltMetadata() {
        Metadata.Builder b = Metadata.builder(2).put("A", "1");
        Metadata first = b.build();

        b.put("a", "2").put("B", "3");

        assertThat(first.asMap()).containsExactly(entry("A", "1"));
    }

    @Test
    void builderRejectsNulls() {
        assertThatThrownBy(() -> Metadata.builder(1).put(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Metadata.builder(1).put("k", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void ofRejectsOddLength() {
        assertThatThrownBy(() -> Metadata.of("A", "1", "B"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("odd length 3");
    }

    @Test
    void ofWithDuplicateKeysKeepsTheLast() {
        Metadata md = Metadata.of("A", "1", "a", "2");

        assertThat(md.asMap()).containsExactly(entry("a", "2"));
    }

    @Test
    void fromCopiesMap() {
        Map<String, String> source = new LinkedHashMap<>();
        source.put("A", "1");
        source.put("B", "2");

        Metadata md = Metadata.from(source);
        source.put("C", "3");

        assertThat(md.asMap()).containsExactly(entry("A", "1"), entry("B", "2"));
    }

    @Test
    void equalsAndHashCodeIgnoreKeyCaseAndOrder() {
        Metadata a = Metadata.of("Content-Type", "json", "X-Id", "1");
        Metadata b = Metadata.of("x-id", "1", "content-type", "json");

        assertThat(a).isEqualTo(b);
        assertThat(b).isEqualTo(a);
        assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }

    @Test
    void equalsComparesValuesExactly() {
        Metadata a = Metadata.of("A", "value");

        assertThat(a).isNotEqualTo(Metadata.of("A", "VALUE"));
        assertThat(a).isNotEqualTo(Metadata.of("A", "value", "B", "x"));
        assertThat(a).isNotEqualTo(Metadata.of("B", "value"));
        assertThat(a).isNotEqualTo(Map.of("A", "value"));
        assertThat(a).isNotEqualTo(null);
        assertThat(Metadata.empty()).isEqualTo(Metadata.of());
    }

    @Test
    void equalObjectsHaveEqualHashCodesForNonAsciiKeys() {
        Metadata dotted = Metadata.of("\u0130d", "1");
        Metadata plain = Metadata.of("id", "1");

        assertThat(dotted).isEqualTo(plain);
        assertThat(dotted.hashCode()).isEqualTo(plain.hashCode());
    }

    @Test
    void asMapKeepsInsertionOrderAndKeysAsGiven() {
        Metadata md = Metadata.of("Zeta", "1", "alpha", "2", "Mid", "3");

        assertThat(md.asMap()).containsExactly(entry("Zeta", "1"), entry("alpha", "2"), entry("Mid", "3"));
        assertThat(new ArrayList<>(md.asMap().keySet())).containsExactly("Zeta", "alpha", "Mid");
    }

    @Test
    void asMapIsUnmodifiable() {
        Map<String, String> m = Metadata.of("A", "1").asMap();

        assertThatThrownBy(() -> m.put("B", "2")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void forEachVisitsInInsertionOrder() {
        List<String> seen = new ArrayList<>();

        Metadata.of("B", "2", "A", "1").forEach((k, v) -> seen.add(k + "=" + v));

        assertThat(seen).containsExactly("B=2", "A=1");
    }

    @Test
    void toStringShowsEntries() {
        assertThat(Metadata.of("A", "1", "B", "2")).hasToString("{A=1, B=2}");
    }

    @Test
    void builderWithThousandsOfKeysReplacesAcrossCaseAndKeepsOrder() {
        Metadata.Builder b = Metadata.builder(4);
        for (int i = 0; i < 20_000; i++) {
            b.put("Header-" + i, "v" + i);
        }
        for (int i = 0; i < 20_000; i += 2) {
            b.put("HEADER-" + i, "w" + i);
        }
        Metadata md = b.build();
        assertThat(md.size()).isEqualTo(20_000);
        assertThat(md.get("header-0")).isEqualTo("w0");
        assertThat(md.get("header-1")).isEqualTo("v1");
        assertThat(md.get("Header-19999")).isEqualTo("v19999");
        assertThat(md.asMap().keySet().iterator().next()).isEqualTo("HEADER-0");
    }

    @Test
    void aTemplateFilledPerCallLeavesTheTemplateAndEarlierResultsAlone() {
        Metadata template = Metadata.of("Content-Type", "application/json", "Micro-Endpoint", "Greeter.Hello");
        Metadata.Builder b = template.toBuilder(1);
        Metadata first = b.put("Micro-Id", "1").build();
        Metadata second = b.put("Micro-Id", "2").put("Timeout", "5").build();

        assertThat(template.size()).isEqualTo(2);
        assertThat(template.get("Micro-Id")).isNull();
        assertThat(first.get("micro-id")).isEqualTo("1");
        assertThat(first.size()).isEqualTo(3);
        assertThat(second.get("Micro-Id")).isEqualTo("2");
        assertThat(second.get("timeout")).isEqualTo("5");
        assertThat(second.get("content-type")).isEqualTo("application/json");
    }
}
