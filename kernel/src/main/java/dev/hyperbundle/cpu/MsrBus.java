package dev.hyperbundle.cpu;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Model-specific registers that are not part of the CPU core but of the platform (the paravirtual
 * clock). A backend handles the architectural MSRs in {@link X86CpuState} itself and asks this bus for
 * any other index; an index nobody claims makes RDMSR/WRMSR raise #GP(0) (SDM Vol. 2B, RDMSR).
 */
public final class MsrBus {
    private final ConcurrentHashMap<Integer, MsrDevice> devices = new ConcurrentHashMap<>();

    /** Claims an MSR index; returns a handle that releases it. */
    public AutoCloseable register(int index, MsrDevice device) {
        if (devices.putIfAbsent(index, device) != null) {
            throw new IllegalArgumentException(String.format("MSR 0x%x is already claimed", index));
        }
        return () -> devices.remove(index, device);
    }

    /** The device for index, or null (then the access faults). */
    public MsrDevice lookup(int index) {
        return devices.get(index);
    }
}
