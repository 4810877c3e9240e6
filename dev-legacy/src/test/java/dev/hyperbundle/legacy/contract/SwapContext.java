package dev.hyperbundle.legacy.contract;

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
import dev.hyperbundle.testkit.DeviceTestContext;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One device instance's view of a {@link DeviceTestContext}, releasing what the instance registered as the
 * kernel's slot does on a hot-swap (ports, MMIO, timers, PCI functions, the interrupt-controller and FPU-error seats),
 * while IRQ line handles and character backends stay with the slot (the test context).
 */
final class SwapContext implements DeviceContext {
    private final DeviceTestContext ctx;
    private final List<BusRegistration> registrations = new ArrayList<>();
    private final List<Timer> timers = new ArrayList<>();
    private InterruptController controller;
    private FpuErrorLogic fpuErrorLogic;

    SwapContext(DeviceTestContext ctx) {
        this.ctx = ctx;
    }

    /** What the kernel does after the old instance's close(): every registration goes. */
    void releaseAll() {
        timers.forEach(Timer::cancel);
        timers.clear();
        registrations.forEach(BusRegistration::close);
        registrations.clear();
        ctx.pci.unplugOwner(ctx.deviceId());
        if (controller != null) {
            ctx.interrupts.uninstall(controller);
            controller = null;
        }
        if (fpuErrorLogic != null) {
            ctx.interrupts.uninstall(fpuErrorLogic);
            fpuErrorLogic = null;
        }
    }

    @Override
    public String deviceId() {
        return ctx.deviceId();
    }

    @Override
    public GuestMemory memory() {
        return ctx.memory();
    }

    @Override
    public BusRegistration registerPorts(int base, int length, BusDevice device) throws DeviceConfigException {
        BusRegistration r = ctx.registerPorts(base, length, device);
        registrations.add(r);
        return r;
    }

    @Override
    public BusRegistration registerMmio(long base, long length, BusDevice device) throws DeviceConfigException {
        BusRegistration r = ctx.registerMmio(base, length, device);
        registrations.add(r);
        return r;
    }

    @Override
    public IrqLine irq(int line) {
        return ctx.irq(line);
    }

    @Override
    public InterruptPin installInterruptController(InterruptController c) {
        controller = c;
        return ctx.installInterruptController(c);
    }

    @Override
    public FpuErrorLogic.IgnnePin installFpuErrorLogic(FpuErrorLogic logic) {
        fpuErrorLogic = logic;
        return ctx.installFpuErrorLogic(logic);
    }

    @Override
    public VirtualClock clock() {
        return ctx.clock();
    }

    @Override
    public Timer createTimer(Runnable callback) {
        Timer t = ctx.createTimer(callback);
        timers.add(t);
        return t;
    }

    @Override
    public Executor executor() {
        return ctx.executor();
    }

    @Override
    public MachineControl machine() {
        return ctx.machine();
    }

    @Override
    public PciBus pci() {
        return ctx.pci();
    }

    @Override
    public CharBackend charBackend(String spec) throws DeviceConfigException {
        return ctx.charBackend(spec);
    }

    @Override
    public void registerMsr(int index, MsrDevice device) throws DeviceConfigException {
        ctx.registerMsr(index, device);
    }

    @Override
    public CpuidTable cpuid() {
        return ctx.cpuid();
    }

    @Override
    public void addKernelArgument(String argument) {
        ctx.addKernelArgument(argument);
    }

    @Override
    public System.Logger logger() {
        return ctx.logger();
    }
}
