package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.backend.VcpuContext;
import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrBus;
import dev.hyperbundle.irq.CpuInterrupts;
import dev.hyperbundle.memory.PhysicalMemory;
import dev.hyperbundle.time.VirtualClock;

/** The {@link VcpuContext} over a {@link Platform}. */
public record PlatformVcpuContext(int index, Platform platform) implements VcpuContext {
    @Override
    public PhysicalMemory memory() {
        return platform.memory();
    }

    @Override
    public IoBus ports() {
        return platform.ports();
    }

    @Override
    public IoBus mmio() {
        return platform.mmio();
    }

    @Override
    public CpuInterrupts interrupts() {
        return platform.interrupts();
    }

    @Override
    public VirtualClock clock() {
        return platform.clock();
    }

    @Override
    public CpuidTable cpuid() {
        return platform.cpuid();
    }

    @Override
    public MsrBus msrs() {
        return platform.msrs();
    }
}
