package io.microcdi.internal.model;

import io.microcdi.registry.Value;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

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
                tuple("l", "int64"),
                tuple("bl", "int64"),
                tuple("b", "bool"),
                tuple("bb", "bool"),
                tuple("d", "float64"),
                tuple("bd", "float64"),
                tuple("f", "float32"),
                tuple("s", "int32"),
                tuple("c", "string"),
                tuple("bc", "string"),
                tuple("bi", "int32"),
                tuple("bytes", "[]byte"),
                tuple("names", "[]string"),
                tuple("numbers", "[]int32"));
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

    /**
     * (Protobuf's classes by their full names: {@code com.google.protobuf.Value} is not the registry's.) A generated
     * protobuf message is advertised by its descriptor's fields, named as in its {@code .proto} and typed
     * as Go's generated struct would be, not by the Java class's own fields ({@code memoizedIsInitialized}, ...).
     */
    @Test
    void protobufMessagesByTheirDescriptor() {
        assertThat(Schema.of(com.google.protobuf.Timestamp.class)).isEqualTo(v("Timestamp", "Timestamp",
                v("seconds", "int64"), v("nanos", "int32")));
        assertThat(Schema.of(com.google.protobuf.FieldMask.class)).isEqualTo(v("FieldMask", "FieldMask",
                v("paths", "[]string")));
        assertThat(Schema.of(com.google.protobuf.Struct.class)).isEqualTo(v("Struct", "Struct",
                v("fields", "map[string]Value")));
        assertThat(Schema.of(com.google.protobuf.Option.class)).isEqualTo(v("Option", "Option",
                v("name", "string"), v("value", "Any", v("type_url", "string"), v("value", "[]byte"))));
        assertThat(Schema.of(com.google.protobuf.Value.class).values()).extracting(Value::name, Value::type)
                .startsWith(tuple("null_value", "NullValue"),
                        tuple("number_value", "float64"));
    }

    record Node(String label, Node next) {
    }
}
