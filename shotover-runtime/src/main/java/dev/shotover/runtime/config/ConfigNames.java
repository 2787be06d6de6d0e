package dev.shotover.runtime.config;

import java.util.Locale;

/** How Java names become YAML names, shared by the binder's shapes. */
final class ConfigNames {

    private ConfigNames() {
    }

    /**
     * {@code connectTimeoutMs} → {@code connect_timeout_ms}. A run of capitals is one word, so {@code tlsCAPath}
     * becomes {@code tls_ca_path}.
     */
    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    char previous = camel.charAt(i - 1);
                    boolean nextIsLower = i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
                    if (Character.isLowerCase(previous) || Character.isDigit(previous)
                            || (Character.isUpperCase(previous) && nextIsLower)) {
                        out.append('_');
                    }
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code READ_WRITE} → {@code ReadWrite}; names already in mixed case are kept. */
    static String pascalCase(String constant) {
        boolean hasLower = constant.chars().anyMatch(Character::isLowerCase);
        if (hasLower && constant.indexOf('_') < 0) {
            return constant;
        }
        StringBuilder out = new StringBuilder(constant.length());
        boolean upperNext = true;
        for (int i = 0; i < constant.length(); i++) {
            char c = constant.charAt(i);
            if (c == '_') {
                upperNext = true;
            } else if (upperNext) {
                out.append(Character.toUpperCase(c));
                upperNext = false;
            } else {
                out.append(Character.toLowerCase(c));
            }
        }
        return out.toString();
    }

    /** The form enum names are compared in: case and underscores do not matter. */
    static String loose(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }
}
