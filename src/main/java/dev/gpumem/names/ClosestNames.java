package dev.gpumem.names;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names nearest to a typed one. Names are compared normalised (lower case, letters and digits only, so
 * {@code Llama_3.1-8B} and {@code llama-3.1-8b} are the same), by the optimal-string-alignment distance (insertions,
 * deletions, substitutions and adjacent transpositions each cost 1, so {@code bf61} is one edit from {@code bf16}).
 */
public final class ClosestNames {
    /** at most this many edits, and at most a third of the typed name's length (but always 1) */
    static final int MAX_EDITS = 3;

    private ClosestNames() {
    }

    /** @return {@code name} in lower case with everything but letters and digits removed */
    public static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** @return the optimal-string-alignment distance between {@code a} and {@code b} */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * @return the candidates at the smallest normalised distance from {@code typed}, in candidate order, when that
     *         distance is within the tolerance (at most {@value #MAX_EDITS} edits and a third of the typed length,
     *         at least 1); empty when none is that close
     */
    public static List<String> nearest(String typed, Collection<String> candidates) {
        String t = normalize(typed);
        if (t.isEmpty()) {
            return List.of();
        }
        int tolerance = Math.max(1, Math.min(MAX_EDITS, t.length() / 3));
        int best = Integer.MAX_VALUE;
        Set<String> out = new LinkedHashSet<>();
        for (String c : candidates) {
            int dist = distance(t, normalize(c));
            if (dist > tolerance || dist > best) {
                continue;
            }
            if (dist < best) {
                best = dist;
                out.clear();
            }
            out.add(c);
        }
        return List.copyOf(out);
    }

    /**
     * @return the candidates whose normalised name starts with the normalised {@code typed} (at least two
     *         characters), in candidate order: {@code h100} names the family {@code h100-80gb, h100-96gb}
     */
    public static List<String> startingWith(String typed, Collection<String> candidates) {
        String t = normalize(typed);
        if (t.length() < 2) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String c : candidates) {
            if (normalize(c).startsWith(t) && !out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** @return "; did you mean x?" (or "x or y", "x, y or z") for the nearest candidates, or "" when none is close */
    public static String didYouMean(String typed, Collection<String> candidates) {
        List<String> near = nearest(typed, candidates);
        return near.isEmpty() ? "" : "; did you mean " + orList(near) + "?";
    }

    /** @return "a", "a or b", "a, b or c" */
    public static String orList(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
