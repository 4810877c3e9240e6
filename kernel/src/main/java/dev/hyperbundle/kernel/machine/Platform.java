package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrBus;
import dev.hyperbundle.irq.InterruptRouter;
import dev.hyperbundle.memory.PhysicalMemory;
import dev.hyperbundle.pci.PciBus;
import dev.hyperbundle.time.MachineClock;

/**
 * The hardware of one machine that outlives its vCPUs and devices: memory, buses, interrupt lines,
 * clock, CPU model, MSR bus and PCI bus. Backends and devices come and go over it.
 */
public record Platform(PhysicalMemory memory, IoBus ports, IoBus mmio, InterruptRouter interrupts, MachineClock clock,
                       CpuidTable cpuid, MsrBus msrs, PciBus pci) {

    /** RAM from 0 to ramBytes in one region (one KVM memory slot), and the buses around it. */
    public static Platform create(long ramBytes, MachineClock clock) {
        PhysicalMemory memory = new PhysicalMemory();
        memory.addRegion(0, ramBytes, dev.hyperbundle.memory.MemoryRegion.Kind.RAM, "ram");
        return new Platform(memory, new IoBus("port", 0x10000), new IoBus("mmio", 1L << 32), new InterruptRouter(), clock,
                CpuidTable.i686(), new MsrBus(), new PciBus());
    }
}
