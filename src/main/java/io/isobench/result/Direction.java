package io.isobench.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which way a metric improves. Every figure isobench shows carries one. */
public enum Direction {
    HIGHER("higher"),
    LOWER("lower");

    private final String word;

    Direction(String word) {
        this.word = word;
    }

    @JsonValue
    public String word() {
        return word;
    }

    /** An arrow for tables: the way to read the figure. */
    public String arrow() {
        return this == HIGHER ? "\u2191" : "\u2193";
    }

    @JsonCreator
    public static Direction parse(String s) {
        for (Direction d : values()) {
            if (d.word.equalsIgnoreCase(s) || d.name().equalsIgnoreCase(s)) {
                return d;
            }
        }
        throw new IllegalArgumentException("direction must be 'higher' or 'lower', not '" + s + "'");
    }
}
