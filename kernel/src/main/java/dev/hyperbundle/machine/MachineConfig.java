package dev.hyperbundle.machine;

import dev.hyperbundle.device.DeviceConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated VM description (what a config file and the command line become).
 *
 * @param name          machine name (for the shell and logs)
 * @param cpu           CPU backend id
 * @param memoryBytes   guest RAM
 * @param kernel        Linux bzImage to boot, or null to start the CPU at the reset vector (tests, firmware)
 * @param initrd        initramfs, or null
 * @param commandLine   kernel command line
 * @param devices       devices in creation order (chipset defaults already expanded)
 * @param rebootOnReset when true a guest reset reboots the machine; when false (the default, like QEMU
 *                      {@code -no-reboot}) it ends the run
 * @param origin        where it came from, for messages ("vm.yaml" or "command line")
 * @param keyOrigins    where single keys came from when that differs from origin (a command-line option
 *                      overriding a file's key: "cpu" to "command line"); see {@link #origin(String)}
 */
public record MachineConfig(String name, String cpu, long memoryBytes, Path kernel, Path initrd, String commandLine,
                            List<DeviceConfig> devices, boolean rebootOnReset, String origin, Map<String, String> keyOrigins) {
    public MachineConfig {
        devices = List.copyOf(devices);
        keyOrigins = Map.copyOf(keyOrigins);
    }

    /** A configuration whose keys all come from one origin. */
    public MachineConfig(String name, String cpu, long memoryBytes, Path kernel, Path initrd, String commandLine,
                         List<DeviceConfig> devices, boolean rebootOnReset, String origin) {
        this(name, cpu, memoryBytes, kernel, initrd, commandLine, devices, rebootOnReset, origin, Map.of());
    }

    /** Where key's value came from, for messages: "command line" or the file name. */
    public String origin(String key) {
        return keyOrigins.getOrDefault(key, origin);
    }
}
