package io.isobench.result;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which variant the others are compared with, the one rule the planner and the reports both use:
 * a variant's label, else the first variant of an environment of that name; {@value #DEFAULT}
 * when none is named.
 */
public final class Baseline {

    /** The baseline when a suite names none. */
    public static final String DEFAULT = "native";

    private Baseline() {
    }

    /** What a suite or {@code --baseline} asks for: {@code spec}, or {@value #DEFAULT} when it is empty. */
    public static String wanted(String spec) {
        return spec == null || spec.isBlank() ? DEFAULT : spec;
    }

    /**
     * The variant {@code spec} names among {@code variants}, by its label first, then by its
     * environment's name (the first such variant); empty when none matches.
     */
    public static <T> Optional<T> find(String spec, List<T> variants, Function<T, String> label, Function<T, String> environment) {
        String want = wanted(spec);
        for (T v : variants) {
            if (want.equals(label.apply(v))) {
                return Optional.of(v);
            }
        }
        for (T v : variants) {
            if (want.equals(environment.apply(v))) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
