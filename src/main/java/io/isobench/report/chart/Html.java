package io.isobench.report.chart;

/**
 * Escaping for HTML and SVG text. Every value that comes from a run (hostnames, parameters, facts,
 * metric and variant names, failure messages) passes through here before it lands in the page; the
 * report puts run values only in element text and in double-quoted attributes, never in a script,
 * a style or an unquoted attribute.
 */
public final class Html {

    private Html() {
    }

    /** Escapes for element text and double- or single-quoted attribute values alike. */
    public static String escape(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // control characters other than tab and newline are not allowed in XML (SVG) text
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A fragment id made only of [a-z0-9-], safe in href="#..." and id="..." whatever the input. */
    public static String anchor(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                sb.append(c);
            } else if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != '-') {
                sb.append('-');
            }
        }
        String out = sb.toString().replaceAll("-+$", "");
        return out.length() > 60 ? out.substring(0, 60) : out;
    }
}
