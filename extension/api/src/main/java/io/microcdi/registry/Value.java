package io.microcdi.registry;

import java.util.List;

/**
 * The shape of a message, as Go Micro advertises it: a name, a type and nested values (at most three levels).
 *
 * <pre>{@code
 * new Value("name", "string", List.of())
 * }</pre>
 *
 * @param name   field name (the JSON property name)
 * @param type   type name
 * @param values nested fields
 */
public record Value(String name, String type, List<Value> values) {

    public Value {
        name = name == null ? "" : name;
        type = type == null ? "" : type;
        values = values == null ? List.of() : List.copyOf(values);
    }
}
