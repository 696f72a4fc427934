package dev.faas.cli.stack;

import dev.faas.cli.CliFailure;
import java.util.regex.Pattern;

/** Function names as the gateway takes them, checked before anything is sent (they go into URL paths). */
public final class FunctionNames {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.]{0,62}");

    private FunctionNames() {
    }

    public static String checked(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw CliFailure.usage("the function name " + name + " is not valid: letters, digits, - _ and ., "
                    + "starting with a letter or digit, at most 63 characters");
        }
        return name;
    }
}
