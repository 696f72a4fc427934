package dev.faas.gateway.provider;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * The resource amounts of a deployment's {@code limits}/{@code requests}, as OpenFaaS users write them.
 * Memory: bytes with an optional k/m/g suffix in powers of 1024 ("128m", "128Mi", "1G", "512MB" too).
 * CPU: cores ("0.5", "2") or millicores ("500m").
 */
public final class Quantities {
    private Quantities() {}

    public static long memoryBytes(String text) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        if (v.endsWith("ib")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("b") || v.endsWith("i")) {
            v = v.substring(0, v.length() - 1);
        }
        long unit = 1;
        int at = v.isEmpty() ? -1 : "kmg".indexOf(v.charAt(v.length() - 1));
        if (at >= 0) {
            unit = 1L << (10 * (at + 1));
            v = v.substring(0, v.length() - 1);
        }
        try {
            long bytes = new BigDecimal(v).multiply(BigDecimal.valueOf(unit)).longValueExact();
            if (bytes <= 0) {
                throw new ArithmeticException();
            }
            return bytes;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a memory size (examples: 128m, 1g, 64Mi)");
        }
    }

    public static long nanoCpus(String text) {
        String v = text.strip().toLowerCase(Locale.ROOT);
        try {
            BigDecimal cores = v.endsWith("m")
                    ? new BigDecimal(v.substring(0, v.length() - 1)).movePointLeft(3)
                    : new BigDecimal(v);
            // An exponent such as 1e999999999 would make BigDecimal build a number of a billion digits: bound the
            // magnitude (up to 999,999 cores, down to a nanocore) before any rounding.
            int integerDigits = cores.precision() - cores.scale();
            if (integerDigits > 6 || integerDigits < -9) {
                throw new ArithmeticException();
            }
            long nanos = cores.movePointRight(9).setScale(0, RoundingMode.DOWN).longValueExact();
            if (nanos <= 0) {
                throw new ArithmeticException();
            }
            return nanos;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CPU amount (examples: 0.5, 2, 500m)");
        }
    }
}
