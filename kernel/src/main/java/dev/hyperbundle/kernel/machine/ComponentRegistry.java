package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.device.DeviceFactory;
import java.util.Optional;

/** Where a machine finds CPU backends and device factories (the OSGi service registry, or a test's map). */
public interface ComponentRegistry {
    Optional<CpuBackend> backend(String id);

    Optional<DeviceFactory> factory(String type);
}
