package dev.hostquery.api;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * One constraint SQLite pushed down to a table for this scan.
 *
 * @param column   column name
 * @param operator the comparison
 * @param values   right-hand values: one for every operator but {@link Operator#IN}; each a {@link Long},
 *                 {@link Double}, {@link String}, {@code byte[]} or null as SQLite handed it over
 */
public record Constraint(String column, Operator operator, List<Object> values) {
    public Constraint {
        requireNonNull(column, "column is null");
        requireNonNull(operator, "operator is null");
        requireNonNull(values, "values is null");
        values = java.util.Collections.unmodifiableList(Arrays.asList(values.toArray()));
        if (operator != Operator.IN && values.size() != 1) {
            throw new IllegalArgumentException(operator + " constraint on '" + column + "' needs exactly one value");
        }
    }

    public static Constraint of(String column, Operator operator, Object value) {
        return new Constraint(column, operator, Arrays.asList(value));
    }

    /** The single right-hand value (the first for IN). */
    public Object value() {
        return values.isEmpty() ? null : values.getFirst();
    }

    @Override
    public String toString() {
        return column + " " + operator.symbol() + " " + (operator == Operator.IN ? values : value());
    }
}
