package dev.faas.common;

/** A caller's text made safe to echo in one line of a message or a log: control characters shown as '?', cut short. */
public final class Printable {
    private Printable() {}

    /** {@code text} with control characters (and DEL) as '?', cut at {@code max} characters with "..." after. */
    public static String of(String text, int max) {
        String s = text == null ? "" : text.length() > max ? text.substring(0, max) + "..." : text;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
