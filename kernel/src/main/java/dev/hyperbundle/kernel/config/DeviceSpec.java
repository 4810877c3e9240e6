package dev.hyperbundle.kernel.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses a device spec "TYPE[,key=value...]" as given to --device (QEMU -device syntax). */
public final class DeviceSpec {
    private DeviceSpec() {
    }

    /**
     * @return the type under key "" and the parameters in order
     * @throws IllegalArgumentException with a one-line reason
     */
    public static Map<String, String> parse(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] parts = spec.split(",", -1);
        String type = parts[0].trim();
        if (type.isEmpty() || type.contains("=")) {
            throw new IllegalArgumentException("'" + spec + "' does not start with a device type; expected TYPE[,key=value...]");
        }
        out.put("", type);
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + p + "' in '" + spec + "' is not key=value");
            }
            String key = p.substring(0, eq).trim();
            if (out.containsKey(key)) {
                throw new IllegalArgumentException("key '" + key + "' appears twice in '" + spec + "'");
            }
            out.put(key, p.substring(eq + 1).trim());
        }
        return out;
    }
}
