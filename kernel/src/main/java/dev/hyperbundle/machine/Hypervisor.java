package dev.hyperbundle.machine;

import dev.hyperbundle.backend.CpuBackend;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The kernel's service: creates machines from configurations and knows what can be composed. */
public interface Hypervisor {
    /**
     * Creates a machine (memory, devices, boot state) without starting it.
     *
     * @throws MachineConfigException when the configuration cannot be realized (unknown backend or device
     *                                type, unavailable backend, bad image): one line naming the cause
     */
    Machine create(MachineConfig config) throws MachineConfigException;

    List<Machine> machines();

    Optional<Machine> machine(String name);

    /** Registered CPU backends by id. */
    List<CpuBackend> backends();

    /** Registered device types with their descriptions. */
    Map<String, String> deviceTypes();
}
