package dev.hyperbundle.legacy.testing;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.BusRegistration;
import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;
import dev.hyperbundle.irq.InterruptRouter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.machine.MachineControl;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.pci.PciBus;
import dev.hyperbundle.time.MachineClock;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A {@link DeviceContext} for unit tests, backed by the real kernel classes: a port and an MMIO
 * {@link IoBus}, an {@link InterruptRouter}, a manual {@link MachineClock} and a {@link PciBus}.
 * Shared by the dev-legacy device tests: keep it small and stable.
 */
public final class FakeDeviceContext implements DeviceContext {
    public final IoBus ports = new IoBus("port", 0x10000);
    public final IoBus mmio = new IoBus("mmio", 1L << 32);
    public final InterruptRouter router = new InterruptRouter();
    public final MachineClock clock = MachineClock.manual();
    public final PciBus pci = new PciBus();
    public final CpuidTable cpuid = CpuidTable.i686();
    public final List<String> kernelArguments = new ArrayList<>();
    public final List<String> resetRequests = new ArrayList<>();
    public final List<String> powerOffRequests = new ArrayList<>();
    public final Map<Integer, MsrDevice> msrs = new HashMap<>();
    /** Backends handed out by {@link #charBackend}, by spec; a test puts its own in before create(). */
    public final Map<String, CharBackend> charBackends = new HashMap<>();
    private final Map<Integer, IrqLine> irqLines = new HashMap<>();
    private final String deviceId;

    public FakeDeviceContext(String deviceId) {
        this.deviceId = deviceId;
    }

    public FakeDeviceContext() {
        this("test0");
    }

    /** A config for a device of this type with key=value parameters (alternating). */
    public static DeviceConfig config(String type, String... keyValues) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return new DeviceConfig(type, type + "0", params, "test");
    }

    // --- guest-side helpers ---

    public int in(int port) {
        return (int) ports.read(port, 1);
    }

    public long in(int port, int size) {
        return ports.read(port, size);
    }

    public void out(int port, int value) {
        ports.write(port, 1, value & 0xff);
    }

    public void out(int port, int size, long value) {
        ports.write(port, size, value);
    }

    /**
     * Runs guest time forward by nanos, firing each timer with the clock standing exactly at its deadline
     * (as a vCPU that services the clock between instructions would), then leaves the clock at the end.
     */
    public void run(long nanos) {
        long end = clock.nanos() + nanos;
        while (clock.nextDeadline() <= end) {
            clock.setNanos(Math.max(clock.nanos(), clock.nextDeadline()));
            clock.runDue();
        }
        clock.setNanos(end);
    }

    // --- DeviceContext ---

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public GuestMemory memory() {
        throw new UnsupportedOperationException("FakeDeviceContext has no guest memory");
    }

    @Override
    public BusRegistration registerPorts(int base, int length, BusDevice device) throws DeviceConfigException {
        try {
            return ports.register(base, length, device, deviceId);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(e.getMessage());
        }
    }

    @Override
    public BusRegistration registerMmio(long base, long length, BusDevice device) throws DeviceConfigException {
        try {
            return mmio.register(base, length, device, deviceId);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(e.getMessage());
        }
    }

    /** One handle per line, as the kernel's device slot keeps them (also across a hot-swap). */
    @Override
    public IrqLine irq(int line) {
        return irqLines.computeIfAbsent(line, router::line);
    }

    @Override
    public InterruptPin installInterruptController(InterruptController c) {
        return router.install(c);
    }

    @Override
    public VirtualClock clock() {
        return clock;
    }

    @Override
    public Timer createTimer(Runnable callback) {
        return clock.createTimer(callback);
    }

    @Override
    public Executor executor() {
        return Runnable::run;
    }

    @Override
    public MachineControl machine() {
        return new MachineControl() {
            @Override
            public void requestReset(String reason) {
                resetRequests.add(reason);
            }

            @Override
            public void requestPowerOff(String reason) {
                powerOffRequests.add(reason);
            }
        };
    }

    @Override
    public PciBus pci() {
        return pci;
    }

    @Override
    public CharBackend charBackend(String spec) throws DeviceConfigException {
        CharBackend b = charBackends.get(spec);
        if (b == null) {
            throw new DeviceConfigException("FakeDeviceContext has no char backend for " + spec);
        }
        return b;
    }

    @Override
    public void registerMsr(int index, MsrDevice device) throws DeviceConfigException {
        if (msrs.putIfAbsent(index, device) != null) {
            throw new DeviceConfigException(String.format("MSR 0x%x is already claimed", index));
        }
    }

    @Override
    public CpuidTable cpuid() {
        return cpuid;
    }

    @Override
    public void addKernelArgument(String argument) {
        kernelArguments.add(argument);
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("dev.hyperbundle.legacy." + deviceId);
    }
}
