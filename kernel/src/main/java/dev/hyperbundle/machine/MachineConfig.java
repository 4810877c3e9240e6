package dev.hyperbundle.machine;

import dev.hyperbundle.device.DeviceConfig;
import java.nio.file.Path;
import java.util.List;

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
 */
public record MachineConfig(String name, String cpu, long memoryBytes, Path kernel, Path initrd, String commandLine,
                            List<DeviceConfig> devices, boolean rebootOnReset, String origin) {
    public MachineConfig {
        devices = List.copyOf(devices);
    }
}
