package io.isobench.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTest {

    @Test
    void linesGoWhereTheyAreRoutedUntilTheRouteCloses() {
        List<String> outer = new ArrayList<>();
        List<String> inner = new ArrayList<>();
        try (Console.Route a = Console.route(outer::add)) {
            Console.say("one");
            try (Console.Route b = Console.route(inner::add)) {
                Console.say("two");
            }
            Console.say("three");
        }
        assertThat(outer).containsExactly("one", "three");
        assertThat(inner).containsExactly("two");
    }
}
