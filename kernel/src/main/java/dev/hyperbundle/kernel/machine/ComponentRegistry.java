package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.device.DeviceFactory;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Where a machine finds CPU backends and device factories (the OSGi service registry, or a test's map). */
public interface ComponentRegistry {
    Optional<CpuBackend> backend(String id);

    Optional<DeviceFactory> factory(String type);

    /** The ids of the backends there are now, for "expected one of ..." in messages. */
    default SortedSet<String> backendIds() {
        return new TreeSet<>();
    }

    /** The device types there are now, for "expected one of ..." in messages. */
    default SortedSet<String> deviceTypeNames() {
        return new TreeSet<>();
    }
}
