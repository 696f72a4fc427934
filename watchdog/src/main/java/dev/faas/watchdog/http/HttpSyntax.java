package dev.faas.watchdog.http;

/**
 * The grammar of RFC 9110/9112 that every mode checks the same way: tokens (header names, methods), field values,
 * Content-Length. Strict on purpose: two servers on one path that read a message differently (the gateway, the
 * watchdog, the function's own server) are how requests get smuggled.
 */
public final class HttpSyntax {
    /** Content-Length digits past this could overflow a long; no body is that large. */
    private static final int MAX_LENGTH_DIGITS = 18;
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HttpSyntax() {}

    /** token = 1*tchar: no space, CTL or separator such as {@code " ( ) , / : ; < = > ? @ [ \ ] { }}. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** Whether a field value holds a control character (NUL, CR, LF, DEL...; HTAB is allowed). */
    public static boolean hasControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < ' ' && c != '\t') || c == 127) {
                return true;
            }
        }
        return false;
    }

    /**
     * The length that every Content-Length field and list element agrees on (RFC 9110 §8.6: identical values may be
     * taken as one), -1 for none; null when any is not 1*DIGIT or they differ.
     */
    public static Long contentLength(Iterable<String> fieldValues) {
        long length = -1;
        for (String field : fieldValues) {
            for (String element : field.split(",", -1)) {
                String digits = element.strip();
                if (digits.isEmpty() || digits.length() > MAX_LENGTH_DIGITS) {
                    return null;
                }
                long n = 0;
                for (int i = 0; i < digits.length(); i++) {
                    char c = digits.charAt(i);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    n = n * 10 + (c - '0');
                }
                if (length >= 0 && n != length) {
                    return null;
                }
                length = n;
            }
        }
        return length;
    }
}
