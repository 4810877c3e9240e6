package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.BusRegistration;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.irq.FpuErrorLogic;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.machine.MachineControl;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.pci.PciBus;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The {@link DeviceContext} of one device instance. It records every registration so the kernel can
 * release them when the instance goes away (hot-swap, removal), whatever the device's own close() does.
 * IRQ line handles and character backends belong to the slot, not the instance, so a replacement
 * instance drives the same line (no spurious edge) and talks to the same terminal.
 */
final class SlotContext implements DeviceContext {
    private final DeviceSlot slot;
    private final MachineServices machine;
    private final List<AutoCloseable> registrations = new ArrayList<>();
    private final List<Timer> timers = new ArrayList<>();
    private InterruptController installedController;
    private FpuErrorLogic installedFpuErrorLogic;

    SlotContext(DeviceSlot slot, MachineServices machine) {
        this.slot = slot;
        this.machine = machine;
    }

    @Override
    public String deviceId() {
        return slot.id();
    }

    @Override
    public GuestMemory memory() {
        return machine.platform().memory();
    }

    @Override
    public BusRegistration registerPorts(int base, int length, BusDevice device) throws DeviceConfigException {
        try {
            BusRegistration r = machine.platform().ports().register(base, length, device, slot.id());
            registrations.add(r);
            return r;
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(slot.config().origin() + ": " + e.getMessage());
        }
    }

    @Override
    public BusRegistration registerMmio(long base, long length, BusDevice device) throws DeviceConfigException {
        if (machine.platform().memory().isMapped(base, 1) || machine.platform().memory().isMapped(base + length - 1, 1)) {
            throw new DeviceConfigException(String.format("%s: MMIO range 0x%x+0x%x of %s overlaps guest memory",
                    slot.config().origin(), base, length, slot.id()));
        }
        try {
            BusRegistration r = machine.platform().mmio().register(base, length, device, slot.id());
            registrations.add(r);
            return r;
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(slot.config().origin() + ": " + e.getMessage());
        }
    }

    @Override
    public IrqLine irq(int line) {
        return slot.irqLine(line, machine.platform().interrupts());
    }

    @Override
    public InterruptPin installInterruptController(InterruptController c) {
        installedController = c;
        return machine.platform().interrupts().install(c);
    }

    @Override
    public FpuErrorLogic.IgnnePin installFpuErrorLogic(FpuErrorLogic logic) {
        installedFpuErrorLogic = logic;
        return machine.platform().interrupts().install(logic);
    }

    @Override
    public VirtualClock clock() {
        return machine.platform().clock();
    }

    @Override
    public Timer createTimer(Runnable callback) {
        Timer t = machine.platform().clock().createTimer(callback);
        timers.add(t);
        return t;
    }

    @Override
    public Executor executor() {
        return machine.executor();
    }

    @Override
    public MachineControl machine() {
        return machine.control();
    }

    @Override
    public PciBus pci() {
        return machine.platform().pci();
    }

    @Override
    public CharBackend charBackend(String spec) throws DeviceConfigException {
        return slot.charBackend(spec, machine);
    }

    @Override
    public void registerMsr(int index, MsrDevice device) throws DeviceConfigException {
        try {
            registrations.add(machine.platform().msrs().register(index, device));
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(slot.config().origin() + ": " + e.getMessage());
        }
    }

    @Override
    public CpuidTable cpuid() {
        return machine.platform().cpuid();
    }

    @Override
    public void addKernelArgument(String argument) {
        machine.addKernelArgument(argument);
    }

    @Override
    public String machineName() {
        return machine.name();
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("hyperbundle.device." + slot.id());
    }

    /** Releases every registration, timer and the interrupt controller seat of this instance. */
    void releaseAll() {
        for (Timer t : timers) {
            t.cancel();
        }
        timers.clear();
        for (int i = registrations.size() - 1; i >= 0; i--) {
            try {
                registrations.get(i).close();
            } catch (Exception e) {
                // Releasing a registration cannot fail in a way the guest could notice.
            }
        }
        registrations.clear();
        machine.platform().pci().unplugOwner(slot.id());
        if (installedController != null) {
            machine.platform().interrupts().uninstall(installedController);
            installedController = null;
        }
        if (installedFpuErrorLogic != null) {
            machine.platform().interrupts().uninstall(installedFpuErrorLogic);
            installedFpuErrorLogic = null;
        }
    }
}
