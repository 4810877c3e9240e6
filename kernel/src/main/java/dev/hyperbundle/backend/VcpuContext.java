package dev.hyperbundle.backend;

import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrBus;
import dev.hyperbundle.irq.CpuInterrupts;
import dev.hyperbundle.memory.PhysicalMemory;
import dev.hyperbundle.time.VirtualClock;

/**
 * Everything a vCPU is wired to. The same objects serve every backend, so a vCPU of another backend
 * created over the same context sees the same memory, devices and time.
 *
 * <p>Physical addresses that are in no memory region go to {@link #mmio()}; IN/OUT go to {@link #ports()}.
 */
public interface VcpuContext {
    /** 0 for the boot processor. */
    int index();

    PhysicalMemory memory();

    IoBus ports();

    IoBus mmio();

    CpuInterrupts interrupts();

    VirtualClock clock();

    CpuidTable cpuid();

    MsrBus msrs();
}
