package dev.hyperbundle.virtio.testkit;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.BusRegistration;
import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrBus;
import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.irq.InterruptController;
import dev.hyperbundle.irq.InterruptPin;
import dev.hyperbundle.irq.InterruptRouter;
import dev.hyperbundle.irq.IrqLine;
import dev.hyperbundle.machine.MachineControl;
import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.memory.MemoryRegion;
import dev.hyperbundle.memory.PhysicalMemory;
import dev.hyperbundle.pci.PciBus;
import dev.hyperbundle.time.MachineClock;
import dev.hyperbundle.time.Timer;
import dev.hyperbundle.time.VirtualClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** A DeviceContext on the real kernel classes, with an executor the test drains on its own thread. */
public final class FakeDeviceContext implements DeviceContext, AutoCloseable {
    public static final long RAM_SIZE = 16L << 20;

    public final PhysicalMemory memory;
    /** What devices get: counts accesses outside RAM. */
    public final GuardedMemory deviceMemory;
    /** Exceptions devices threw out of bus accesses (the real bus would swallow and log them). */
    public final List<Throwable> deviceExceptions = new ArrayList<>();
    public final IoBus ports = new IoBus("port", 0x10000);
    public final IoBus mmio = new IoBus("mmio", 1L << 32);
    public final InterruptRouter interrupts = new InterruptRouter();
    public final MachineClock clock = MachineClock.manual();
    public final PciBus pci;
    public final CpuidTable cpuid = CpuidTable.i686();
    public final MsrBus msrs = new MsrBus();
    public final List<String> kernelArguments = new ArrayList<>();
    public final Map<String, MemoryCharBackend> charBackends = new HashMap<>();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final String id;

    public FakeDeviceContext(String id) {
        this(id, new PhysicalMemory(), new PciBus());
        memory.addRegion(0, RAM_SIZE, MemoryRegion.Kind.RAM, "ram");
    }

    /** A second device context on the same machine. */
    public FakeDeviceContext(String id, FakeDeviceContext machine) {
        this(id, machine.memory, machine.pci);
    }

    private FakeDeviceContext(String id, PhysicalMemory memory, PciBus pci) {
        this.id = id;
        this.memory = memory;
        this.deviceMemory = new GuardedMemory(memory);
        this.pci = pci;
    }

    private BusDevice watched(BusDevice d) {
        return new BusDevice() {
            @Override
            public long read(long offset, int size) {
                try {
                    return d.read(offset, size);
                } catch (RuntimeException e) {
                    deviceExceptions.add(e);
                    throw e;
                }
            }

            @Override
            public void write(long offset, int size, long value) {
                try {
                    d.write(offset, size, value);
                } catch (RuntimeException e) {
                    deviceExceptions.add(e);
                    throw e;
                }
            }
        };
    }

    /** Runs posted tasks until none are left; returns how many ran. */
    public int runTasks() {
        int n = 0;
        while (true) {
            Runnable r;
            synchronized (tasks) {
                r = tasks.poll();
            }
            if (r == null) {
                return n;
            }
            r.run();
            n++;
        }
    }

    public boolean irqLevel(int line) {
        return interrupts.level(line);
    }

    @Override
    public String deviceId() {
        return id;
    }

    @Override
    public GuestMemory memory() {
        return deviceMemory;
    }

    @Override
    public BusRegistration registerPorts(int base, int length, BusDevice device) throws DeviceConfigException {
        try {
            return ports.register(base, length, watched(device), id);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(e.getMessage());
        }
    }

    @Override
    public BusRegistration registerMmio(long base, long length, BusDevice device) throws DeviceConfigException {
        try {
            return mmio.register(base, length, watched(device), id);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(e.getMessage());
        }
    }

    @Override
    public IrqLine irq(int line) {
        return interrupts.line(line);
    }

    @Override
    public InterruptPin installInterruptController(InterruptController c) {
        return interrupts.install(c);
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
        return r -> {
            synchronized (tasks) {
                tasks.add(r);
            }
        };
    }

    @Override
    public MachineControl machine() {
        return new MachineControl() {
            @Override
            public void requestReset(String reason) {
            }

            @Override
            public void requestPowerOff(String reason) {
            }
        };
    }

    @Override
    public PciBus pci() {
        return pci;
    }

    @Override
    public CharBackend charBackend(String spec) {
        return charBackends.computeIfAbsent(spec, s -> new MemoryCharBackend());
    }

    @Override
    public void registerMsr(int index, MsrDevice device) throws DeviceConfigException {
        try {
            msrs.register(index, device);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(e.getMessage());
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
        return System.getLogger("test." + id);
    }

    @Override
    public void close() {
        memory.close();
    }
}
