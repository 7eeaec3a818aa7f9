package io.microcdi.internal.model;

import io.microcdi.registry.Value;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaTest {

    record Address(String city, int zip) {
    }

    record Person(String name, int age, List<String> tags, Address address) {
    }

    record Scalars(long l, Long bl, boolean b, Boolean bb, double d, Double bd, float f, short s, char c,
                   Character bc, Integer bi, byte[] bytes, String[] names, int[] numbers) {
    }

    record Collections(Set<Integer> ids, Map<String, Long> counts, List<Address> addresses) {
    }

    enum Color { RED, GREEN }

    record WithEnumAndJdk(Color color, Instant at) {
    }

    record Level3(String leaf) {
    }

    record Level2(Level3 three) {
    }

    record Level1(Level2 two) {
    }

    record Top(Level1 one) {
    }

    /** A bean: instance fields of the class and its superclasses, minus static and transient ones. */
    static class BaseBean {
        protected String inherited;
    }

    static class Bean extends BaseBean {
        static final String CONSTANT = "x";
        private String name;
        private transient String cache;
        private int count;
    }

    record Empty() {
    }

    private static Value v(String name, String type, Value... values) {
        return new Value(name, type, List.of(values));
    }

    @Test
    void recordFieldsWithNestedRecord() {
        assertThat(Schema.of(Person.class)).isEqualTo(v("Person", "Person",
                v("name", "string"),
                v("age", "int32"),
                v("tags", "[]string"),
                v("address", "Address",
                        v("city", "string"),
                        v("zip", "int32"))));
    }

    @Test
    void voidHasNoSchema() {
        assertThat(Schema.of(void.class)).isNull();
        assertThat(Schema.of(Void.class)).isNull();
        assertThat(Schema.of(null)).isNull();
    }

    @Test
    void scalarTypeNames() {
        assertThat(Schema.of(Scalars.class).values()).extracting(Value::name, Value::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("l", "int64"),
                org.assertj.core.groups.Tuple.tuple("bl", "int64"),
                org.assertj.core.groups.Tuple.tuple("b", "bool"),
                org.assertj.core.groups.Tuple.tuple("bb", "bool"),
                org.assertj.core.groups.Tuple.tuple("d", "float64"),
                org.assertj.core.groups.Tuple.tuple("bd", "float64"),
                org.assertj.core.groups.Tuple.tuple("f", "float32"),
                org.assertj.core.groups.Tuple.tuple("s", "int32"),
                org.assertj.core.groups.Tuple.tuple("c", "string"),
                org.assertj.core.groups.Tuple.tuple("bc", "string"),
                org.assertj.core.groups.Tuple.tuple("bi", "int32"),
                org.assertj.core.groups.Tuple.tuple("bytes", "[]byte"),
                org.assertj.core.groups.Tuple.tuple("names", "[]string"),
                org.assertj.core.groups.Tuple.tuple("numbers", "[]int32"));
        assertThat(Schema.of(Scalars.class).values()).allSatisfy(f -> assertThat(f.values()).isEmpty());
    }

    @Test
    void collectionAndMapTypeNames() {
        assertThat(Schema.of(Collections.class).values()).extracting(Value::type)
                .containsExactly("[]int32", "map[string]int64", "[]Address");
    }

    @Test
    void scalarTopLevelTypes() {
        assertThat(Schema.of(String.class)).isEqualTo(v("string", "string"));
        assertThat(Schema.of(int.class)).isEqualTo(v("int32", "int32"));
    }

    @Test
    void enumsAndJdkTypesHaveNoFields() {
        assertThat(Schema.of(WithEnumAndJdk.class)).isEqualTo(v("WithEnumAndJdk", "WithEnumAndJdk",
                v("color", "Color"),
                v("at", "Instant")));
    }

    @Test
    void nestingStopsAtThreeLevels() {
        assertThat(Schema.of(Top.class)).isEqualTo(v("Top", "Top",
                v("one", "Level1",
                        v("two", "Level2",
                                v("three", "Level3")))));
    }

    @Test
    void beanFieldsSkipStaticAndTransientAndIncludeSuperclass() {
        assertThat(Schema.of(Bean.class).values()).extracting(Value::name)
                .containsExactly("name", "count", "inherited");
    }

    @Test
    void emptyRecordHasNoValues() {
        assertThat(Schema.of(Empty.class)).isEqualTo(v("Empty", "Empty"));
    }

    @Test
    void recursiveTypeTerminates() {
        assertThat(Schema.of(Node.class)).isEqualTo(v("Node", "Node",
                v("label", "string"),
                v("next", "Node",
                        v("label", "string"),
                        v("next", "Node",
                                v("label", "string"),
                                v("next", "Node")))));
    }

    record Node(String label, Node next) {
    }
}
