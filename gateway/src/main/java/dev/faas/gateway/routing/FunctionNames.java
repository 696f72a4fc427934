package dev.faas.gateway.routing;

/** The rule for function names callers may use: letters, digits, '-', '_', '.', 1 to 63 characters, not "." or "..". */
public final class FunctionNames {
    public static final String RULE = "letters, digits, '-', '_' and '.', at most 63 characters";

    private FunctionNames() {}

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > 63 || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A caller-supplied name made safe to echo in a one-line error message. */
    static String quote(String name) {
        String s = name.length() > 80 ? name.substring(0, 80) + "..." : name;
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.append('"').toString();
    }
}
