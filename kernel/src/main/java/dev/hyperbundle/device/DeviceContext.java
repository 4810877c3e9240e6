package dev.hyperbundle.device;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.BusRegistration;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.irq.FpuErrorLogic;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.machine.MachineControl;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.pci.PciBus;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;
import java.util.concurrent.Executor;

/**
 * What a device attaches through. Every registration made here belongs to the device: the kernel
 * releases it when the device is removed or hot-swapped, so a device cannot leak a port range or a timer.
 */
public interface DeviceContext {
    /** The device's id in the machine (also its log name). */
    String deviceId();

    /** Guest physical memory, for DMA. Every access is bounds-checked. */
    GuestMemory memory();

    /** Claims an I/O port range. Overlapping another device's range is a configuration error. */
    BusRegistration registerPorts(int base, int length, BusDevice device) throws DeviceConfigException;

    /** Claims a physical address range outside memory. */
    BusRegistration registerMmio(long base, long length, BusDevice device) throws DeviceConfigException;

    /** A handle on interrupt line n (ISA IRQ 0-15; 16-23 are free for PCI routing). */
    IrqLine irq(int line);

    /** Makes c the machine's interrupt controller; returns the CPU's INTR pin it drives. */
    InterruptPin installInterruptController(InterruptController c);

    /**
     * Makes logic the machine's coprocessor-error logic (FERR# to IRQ 13, IGNNE#; see {@link FpuErrorLogic});
     * returns the CPU's IGNNE# pin it drives. Released with the device.
     *
     * @since 1.2
     */
    default FpuErrorLogic.IgnnePin installFpuErrorLogic(FpuErrorLogic logic) {
        throw new UnsupportedOperationException("this machine has no FERR#/IGNNE# wiring");
    }

    VirtualClock clock();

    /** A timer whose callback runs on the vCPU thread; cancelled when the device goes away. */
    Timer createTimer(Runnable callback);

    /**
     * Runs tasks on the vCPU thread between guest instructions (waking a halted CPU). Device threads
     * (disk, network, console input) use it to touch device state and raise interrupts.
     */
    Executor executor();

    /** Reset and power-off requests, as a chipset would make them. */
    MachineControl machine();

    /** The machine's PCI bus (present once a PCI host bridge device is configured). */
    PciBus pci();

    /**
     * The host character stream for this device, opened once per machine and kept across hot-swaps.
     *
     * @param spec "stdio", "null", "file:PATH", "tcp:PORT" (a server on 127.0.0.1)
     */
    CharBackend charBackend(String spec) throws DeviceConfigException;

    /** Claims a platform MSR (RDMSR/WRMSR of this index reach the device). */
    void registerMsr(int index, MsrDevice device) throws DeviceConfigException;

    /** The CPU model; devices may add leaves before the machine starts (the paravirtual interface does). */
    CpuidTable cpuid();

    /** Appends an argument to the Linux command line (e.g. virtio_mmio.device=...); before boot only. */
    void addKernelArgument(String argument);

    System.Logger logger();

    /**
     * The name of the machine the device is in, unique among the machines of one framework; for identities that
     * must differ between machines and stay the same across hot-swaps (a NIC's default MAC). Empty when unknown.
     *
     * @since 1.1
     */
    default String machineName() {
        return "";
    }
}
