package io.isobench;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** Suggestions for misspelt names ("did you mean ...?"), used by every validation message. */
public final class Names {

    private Names() {
    }

    /** The closest known name within a small edit distance, if any. */
    public static Optional<String> closest(String given, Collection<String> known) {
        String g = given.toLowerCase();
        return known.stream()
                .filter(k -> distance(g, k.toLowerCase()) <= Math.max(2, given.length() / 3)
                        || (Math.min(g.length(), k.length()) >= 3 && (g.startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(g))))
                .min(Comparator.comparingInt(k -> distance(g, k.toLowerCase())));
    }

    /** " (did you mean 'x'?)" or "". */
    public static String suggestion(String given, Collection<String> known) {
        return closest(given, known).map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
