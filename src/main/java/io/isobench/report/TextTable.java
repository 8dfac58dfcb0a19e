package io.isobench.report;

import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns (numbers right-aligned). */
public final class TextTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final boolean[] right;

    public TextTable(List<String> header, boolean... rightAligned) {
        this.header = header;
        this.right = new boolean[header.size()];
        for (int i = 0; i < rightAligned.length && i < right.length; i++) {
            right[i] = rightAligned[i];
        }
    }

    public void add(List<String> row) {
        rows.add(row);
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public String render() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
        }
        for (List<String> r : rows) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        }
        sb.append(rule).append('\n');
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, List<String> cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            if (i > 0) {
                l.append("  ");
            }
            String pad = " ".repeat(w[i] - c.length());
            l.append(right[i] ? pad + c : c + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
