package dev.hyperbundle.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One device's configuration: its type, its id in the machine, and key=value parameters, with typed
 * getters whose errors name where the device was configured ({@link #origin()}, e.g. "--device #2" or
 * "vm.yaml, devices(1)"), the key, the value and what is expected.
 */
public final class DeviceConfig {
    private final String type;
    private final String id;
    private final Map<String, String> params;
    private final String origin;

    public DeviceConfig(String type, String id, Map<String, String> params, String origin) {
        this.type = type;
        this.id = id;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.origin = origin;
    }

    public String type() {
        return type;
    }

    /** Unique in the machine: the "id" parameter, or type plus index ("virtio-blk0"). */
    public String id() {
        return id;
    }

    public String origin() {
        return origin;
    }

    public Map<String, String> params() {
        return params;
    }

    /** Fails on any parameter not in known (and not "id"), listing what is accepted. */
    public void checkKeys(String... known) throws DeviceConfigException {
        Set<String> accepted = new TreeSet<>(Set.of(known));
        accepted.add("id");
        for (String k : params.keySet()) {
            if (!accepted.contains(k)) {
                throw error(k, "is not a parameter of " + type + "; expected one of " + String.join(", ", accepted));
            }
        }
    }

    public DeviceConfigException error(String key, String problem) {
        String v = params.get(key);
        return new DeviceConfigException(origin + ": " + type + " " + key + (v == null ? "" : "=" + v) + " " + problem);
    }

    public String string(String key, String defaultValue) {
        return params.getOrDefault(key, defaultValue);
    }

    public String requireString(String key) throws DeviceConfigException {
        String v = params.get(key);
        if (v == null || v.isEmpty()) {
            throw new DeviceConfigException(origin + ": " + type + " needs " + key + "=...");
        }
        return v;
    }

    /** An integer in [min, max]; accepts decimal and 0x hex. */
    public long integer(String key, long defaultValue, long min, long max) throws DeviceConfigException {
        String v = params.get(key);
        if (v == null) {
            return defaultValue;
        }
        long n;
        try {
            n = v.startsWith("0x") || v.startsWith("0X") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw error(key, "is not a number; expected an integer from " + min + " to " + max);
        }
        if (n < min || n > max) {
            throw error(key, "is out of range; expected " + min + " to " + max);
        }
        return n;
    }

    public boolean bool(String key, boolean defaultValue) throws DeviceConfigException {
        String v = params.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw error(key, "is not a boolean; expected true/false, on/off, yes/no or 1/0");
        };
    }

    /** One of the choices (case-sensitive). */
    public String choice(String key, String defaultValue, String... choices) throws DeviceConfigException {
        String v = params.getOrDefault(key, defaultValue);
        for (String c : choices) {
            if (c.equals(v)) {
                return v;
            }
        }
        throw error(key, "is not valid; expected one of " + String.join(", ", choices));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type);
        params.forEach((k, v) -> b.append(',').append(k).append('=').append(v));
        return b.toString();
    }
}
