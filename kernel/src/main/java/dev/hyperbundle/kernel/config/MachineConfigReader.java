package dev.hyperbundle.kernel.config;

import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.kernel.chardev.CharBackendSpec;
import dev.hyperbundle.machine.MachineConfig;
import dev.hyperbundle.machine.MachineConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.FileBasedConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ImmutableConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.YAMLConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.commons.configuration2.tree.ImmutableNode;

/**
 * Turns a configuration file (Java properties or YAML, read with Apache Commons Configuration) and
 * command-line options into a validated {@link MachineConfig}. Every error is one line naming the file
 * (or "command line"), the key, the value and what is expected.
 *
 * <p>Keys: {@code name}, {@code cpu} (backend id, default interp), {@code memory} (default 256M, 16M-3G),
 * {@code kernel}, {@code initrd}, {@code append}, {@code serial} (COM1's chardev, default stdio),
 * {@code defaults} (add the PC chipset devices, default true), {@code reboot} (a guest reset reboots
 * instead of ending the run, default false) and {@code devices} (a list of "TYPE,key=value" strings, or
 * in YAML maps with a {@code type} key). Values may use {@code ${sys:property}} and {@code ${env:VAR}}.
 */
public final class MachineConfigReader {
    public static final Set<String> KEYS = Set.of("name", "cpu", "memory", "kernel", "initrd", "append", "serial",
            "defaults", "reboot", "devices");
    public static final long MIN_MEMORY = 16L << 20;
    /** RAM ends below the PCI hole at 3 GiB (PciBus MMIO window starts at 0xE0000000). */
    public static final long MAX_MEMORY = 3L << 30;
    public static final String DEFAULT_CPU = "interp";
    public static final String DEFAULT_MEMORY = "256M";
    /** Machine names: what the shell's commands can take as one word. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Default names vm0, vm1, ...: counted per framework, so machines started one after another differ. */
    private static final java.util.concurrent.atomic.AtomicInteger MACHINES = new java.util.concurrent.atomic.AtomicInteger();

    /** Reads the options (and the file they name) into a machine configuration. */
    public MachineConfig read(VmOptions options) throws MachineConfigException {
        Map<String, Object> values = new HashMap<>();
        List<DeviceEntry> devices = new ArrayList<>();
        Path base = Path.of("").toAbsolutePath();
        String origin = "command line";
        if (options.configFile != null) {
            Path file = Path.of(options.configFile).toAbsolutePath();
            origin = file.getFileName().toString();
            base = file.getParent();
            readFile(file, values, devices);
        }
        String fileOrigin = origin;
        Path fileBase = base;
        // A command-line option overrides the file's key; messages about that key then name the command line.
        Map<String, String> keyOrigins = new HashMap<>();
        override(values, keyOrigins, "name", options.name);
        override(values, keyOrigins, "cpu", options.cpu);
        override(values, keyOrigins, "memory", options.memory);
        override(values, keyOrigins, "kernel", options.kernel == null ? null : Path.of(options.kernel).toAbsolutePath().toString());
        override(values, keyOrigins, "initrd", options.initrd == null ? null : Path.of(options.initrd).toAbsolutePath().toString());
        override(values, keyOrigins, "append", options.append);
        override(values, keyOrigins, "serial", options.serial);
        override(values, keyOrigins, "defaults", options.defaults);
        override(values, keyOrigins, "reboot", options.reboot);
        Function<String, String> from = key -> keyOrigins.getOrDefault(key, fileOrigin);
        for (int i = 0; i < options.devices.size(); i++) {
            String spec = options.devices.get(i);
            try {
                devices.add(new DeviceEntry(DeviceSpec.parse(spec), "--device #" + (i + 1)));
            } catch (IllegalArgumentException e) {
                throw new MachineConfigException("command line: --device " + e.getMessage());
            }
        }

        String name = values.containsKey("name") ? string(values, "name", null) : "vm" + MACHINES.getAndIncrement();
        if (!NAME.matcher(name).matches()) {
            throw new MachineConfigException(from.apply("name") + ": name=" + name
                    + " is not a machine name; expected letters, digits, '.', '_' or '-' (at most 64)");
        }
        String cpu = string(values, "cpu", DEFAULT_CPU).trim();
        if (cpu.isEmpty()) {
            throw new MachineConfigException(from.apply("cpu") + ": cpu= is empty; expected a CPU backend id (e.g. interp)");
        }
        String memoryText = string(values, "memory", DEFAULT_MEMORY);
        long memory = SizeParser.parse(memoryText);
        if (memory < 0) {
            throw new MachineConfigException(from.apply("memory") + ": memory=" + memoryText
                    + " is not a size; expected a number with an optional K, M or G suffix (e.g. 256M)");
        }
        if (memory < MIN_MEMORY || memory > MAX_MEMORY || memory % (1 << 20) != 0) {
            throw new MachineConfigException(from.apply("memory") + ": memory=" + memoryText
                    + " is out of range; expected a whole number of MiB from 16M to 3G");
        }
        Path kernel = existingFile(values, "kernel", base, from.apply("kernel"), true);
        Path initrd = existingFile(values, "initrd", base, from.apply("initrd"), false);
        String append = string(values, "append", "console=ttyS0");
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(append)) {
            throw new MachineConfigException(from.apply("append") + ": append=" + append
                    + " has characters outside ASCII; expected an ASCII kernel command line");
        }
        String serial = string(values, "serial", "stdio").trim();
        String serialOrigin = from.apply("serial");
        String problem = CharBackendSpec.check(serial);
        if (problem != null) {
            throw new MachineConfigException(serialOrigin + ": serial=" + serial + " " + problem);
        }
        if (!keyOrigins.containsKey("serial")) {
            serial = relativeToFile(serial, fileBase);
        }
        boolean defaults = bool(values, "defaults", true, from.apply("defaults"));
        boolean reboot = bool(values, "reboot", false, from.apply("reboot"));

        List<DeviceConfig> configs = new ArrayList<>();
        if (defaults) {
            configs.addAll(pcChipset(memory, serial, serialOrigin + ", serial"));
        }
        Map<String, Integer> perType = new HashMap<>();
        Set<String> ids = new TreeSet<>();
        configs.forEach(d -> ids.add(d.id()));
        for (DeviceEntry e : devices) {
            Map<String, String> params = new LinkedHashMap<>(e.params());
            String type = params.remove("");
            boolean fromFile = !e.origin().startsWith("--device");
            String where = fromFile ? fileOrigin + ", " + e.origin() : "command line " + e.origin();
            int n = perType.merge(type, 1, Integer::sum) - 1;
            String id = params.getOrDefault("id", type + n);
            if (!ids.add(id)) {
                throw new MachineConfigException(where + ": device id '" + id + "' is used twice; give it id=...");
            }
            if (fromFile) {
                // Paths in a file are relative to the file, as kernel and initrd are.
                params.computeIfPresent("file", (k, v) -> v.isEmpty() ? v : fileBase.resolve(v).normalize().toString());
                params.computeIfPresent("chardev", (k, v) -> relativeToFile(v, fileBase));
            }
            configs.add(new DeviceConfig(type, id, params, where));
        }
        return new MachineConfig(name, cpu, memory, kernel, initrd, append, configs, reboot, origin, keyOrigins);
    }

    /** "file:PATH" with a relative PATH becomes file:BASE/PATH; other specs are returned as they are. */
    private static String relativeToFile(String chardev, Path base) {
        if (chardev.startsWith("file:") && chardev.length() > 5) {
            return "file:" + base.resolve(chardev.substring(5)).normalize();
        }
        return chardev;
    }

    /** The devices of a PC that every Linux guest expects (QEMU's -M pc defaults, without VGA and IDE). */
    static List<DeviceConfig> pcChipset(long memory, String serial, String serialOrigin) {
        String o = "default PC chipset";
        return List.of(
                new DeviceConfig("pic", "pic", Map.of(), o),
                new DeviceConfig("pit", "pit", Map.of(), o),
                new DeviceConfig("rtc", "rtc", Map.of("memory", Long.toString(memory)), o),
                new DeviceConfig("uart16550", "com1", Map.of("index", "0", "chardev", serial), serialOrigin),
                new DeviceConfig("i8042", "i8042", Map.of(), o),
                new DeviceConfig("pci-host", "pci-host", Map.of(), o),
                new DeviceConfig("post-port", "post", Map.of(), o),
                new DeviceConfig("fpu-error", "fpu-error", Map.of(), o));
    }

    private record DeviceEntry(Map<String, String> params, String origin) {
    }

    private static void override(Map<String, Object> values, Map<String, String> keyOrigins, String key, Object value) {
        if (value != null) {
            values.put(key, value);
            keyOrigins.put(key, "command line");
        }
    }

    private static String string(Map<String, Object> values, String key, String defaultValue) {
        Object v = values.get(key);
        return v == null ? defaultValue : v.toString();
    }

    private static boolean bool(Map<String, Object> values, String key, boolean defaultValue, String origin)
            throws MachineConfigException {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        return switch (v.toString().trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new MachineConfigException(origin + ": " + key + "=" + v + " is not a boolean; expected true or false");
        };
    }

    private static Path existingFile(Map<String, Object> values, String key, Path base, String origin, boolean required)
            throws MachineConfigException {
        Object v = values.get(key);
        if (v == null || v.toString().isBlank()) {
            if (required) {
                throw new MachineConfigException(origin + ": no " + key + " given; expected " + key + "=PATH to a Linux bzImage"
                        + " (or --" + key + " FILE)");
            }
            return null;
        }
        Path p = base.resolve(v.toString().trim()).normalize();
        if (!Files.isRegularFile(p)) {
            throw new MachineConfigException(origin + ": " + key + "=" + v + ": file " + p + " not found");
        }
        if (!Files.isReadable(p)) {
            throw new MachineConfigException(origin + ": " + key + "=" + v + ": file " + p + " is not readable");
        }
        return p;
    }

    private static void readFile(Path file, Map<String, Object> values, List<DeviceEntry> devices)
            throws MachineConfigException {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw new MachineConfigException(name + ": configuration file " + file + " not found");
        }
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        FileBasedConfiguration config;
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            config = new YAMLConfiguration();
        } else if (lower.endsWith(".properties") || lower.endsWith(".conf") || lower.endsWith(".cfg")) {
            config = new PropertiesConfiguration();
        } else {
            throw new MachineConfigException(name + ": unknown configuration format; expected a .properties or .yaml file");
        }
        try {
            new FileHandler(config).load(file.toFile());
        } catch (ConfigurationException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new MachineConfigException(name + ": cannot be parsed: " + root.getMessage().lines().findFirst().orElse(""));
        }
        for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            String top = key.split("[.(]", 2)[0];
            if (!KEYS.contains(top) || (!top.equals("devices") && !key.equals(top))) {
                throw new MachineConfigException(name + ": unknown key '" + key + "'; expected one of "
                        + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        for (String key : KEYS) {
            if (!key.equals("devices") && config.containsKey(key)) {
                try {
                    values.put(key, config.getString(key));
                } catch (RuntimeException e) {
                    throw new MachineConfigException(name + ": " + key + " has a value that cannot be read: " + e.getMessage());
                }
            }
        }
        readDevices(name, config, devices);
    }

    @SuppressWarnings("unchecked")
    private static void readDevices(String name, ImmutableConfiguration config, List<DeviceEntry> devices)
            throws MachineConfigException {
        if (config instanceof HierarchicalConfiguration<?> h) {
            List<HierarchicalConfiguration<ImmutableNode>> items =
                    ((HierarchicalConfiguration<ImmutableNode>) h).configurationsAt("devices");
            for (int i = 0; i < items.size(); i++) {
                HierarchicalConfiguration<ImmutableNode> item = items.get(i);
                String origin = "devices(" + i + ")";
                ImmutableNode root = item.getNodeModel().getNodeHandler().getRootNode();
                if (!root.getChildren().isEmpty()) {
                    Map<String, String> params = new LinkedHashMap<>();
                    String type = item.getString("type");
                    if (type == null) {
                        throw new MachineConfigException(name + ": " + origin + " has no 'type' key; expected e.g. type: virtio-blk");
                    }
                    params.put("", type);
                    for (Iterator<String> keys = item.getKeys(); keys.hasNext(); ) {
                        String k = keys.next();
                        if (!k.equals("type")) {
                            params.put(k, item.getString(k));
                        }
                    }
                    devices.add(new DeviceEntry(params, origin));
                } else {
                    Object value = root.getValue();
                    addSpec(name, origin, value, devices);
                }
            }
            return;
        }
        List<Object> list = config.getList(Object.class, "devices", List.of());
        for (int i = 0; i < list.size(); i++) {
            addSpec(name, "devices #" + (i + 1), list.get(i), devices);
        }
    }

    private static void addSpec(String name, String origin, Object value, List<DeviceEntry> devices)
            throws MachineConfigException {
        if (value == null) {
            throw new MachineConfigException(name + ": " + origin + " is empty; expected TYPE[,key=value...]");
        }
        try {
            devices.add(new DeviceEntry(DeviceSpec.parse(value.toString()), origin));
        } catch (IllegalArgumentException e) {
            throw new MachineConfigException(name + ": " + origin + ": " + e.getMessage());
        }
    }
}
