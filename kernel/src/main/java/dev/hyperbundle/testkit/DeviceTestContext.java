package dev.hyperbundle.testkit;

import dev.hyperbundle.bus.BusDevice;
import dev.hyperbundle.bus.BusRegistration;
import dev.hyperbundle.bus.IoBus;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.MsrBus;
import dev.hyperbundle.cpu.MsrDevice;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceContext;
import dev.hyperbundle.irq.FpuErrorLogic;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A {@link DeviceContext} for device unit tests, on the kernel's real parts: a port and an MMIO
 * {@link IoBus}, an {@link InterruptRouter}, a manual {@link MachineClock}, a {@link PciBus}, an
 * {@link MsrBus}, a {@link CpuidTable} and {@link PhysicalMemory}. The test plays the guest and the vCPU:
 * it reads and writes the buses ({@link #in}, {@link #out}, {@link #mmio}), moves guest time
 * ({@link #run}), runs the tasks device threads posted ({@link #runTasks}) and looks at what the device did
 * (interrupt levels, reset requests, char backend output, exceptions, accesses outside guest memory).
 *
 * <pre>{@code
 * DeviceTestContext ctx = new DeviceTestContext("rtc0");                 // no RAM, synchronous executor
 * Device rtc = new RtcFactory().create(ctx, DeviceTestContext.config("rtc"));
 * ctx.out(0x70, 0x0a);
 * ctx.run(1_000_000);                                                    // 1 ms of guest time
 * assertTrue(ctx.irqLevel(8));
 *
 * try (DeviceTestContext dma = DeviceTestContext.builder("blk0").ram(16 << 20).queuedExecutor().build()) {
 *     ...                                                                // the device sees dma.memory()
 *     dma.runTasks();
 *     assertEquals(0, dma.unmappedAccesses());
 * }
 * }</pre>
 *
 * <p>What belongs to the machine (memory, buses, interrupts, clock, PCI, MSRs, CPUID, kernel arguments,
 * reset and power-off requests, the task queue) is shared with every context made by
 * {@link #onSameMachine}; what belongs to the device slot (id, IRQ line handles, char backends, the
 * exceptions its bus devices threw, its count of accesses outside memory) is this context's own. Not for
 * use by several test threads at once; device threads may post tasks and raise interrupts.
 */
public final class DeviceTestContext implements DeviceContext, AutoCloseable {
    /** A common RAM size for DMA devices' tests: 16 MiB. */
    public static final long DEFAULT_RAM_SIZE = 16L << 20;

    /**
     * The machine's guest physical memory: RAM from 0 if the context was built with RAM, else empty. A test
     * plays the guest driver on it directly (uncounted); the device gets {@link #memory()}.
     */
    public final PhysicalMemory physicalMemory;
    /** The I/O port bus (64 KiB). */
    public final IoBus ports;
    /** The physical address bus outside memory (4 GiB). */
    public final IoBus mmio;
    /** Interrupt lines, the installed controller and the CPU's INTR pin. */
    public final InterruptRouter interrupts;
    /** Guest time; it moves only when the test moves it ({@link #run}, or the clock's own setters). */
    public final MachineClock clock;
    /** The PCI bus: a test plugs functions or reads configuration space through it. */
    public final PciBus pci;
    /** The CPU model (i686), with whatever leaves devices added. */
    public final CpuidTable cpuid;
    /** Platform MSRs devices claimed; {@code msrs.lookup(index)} plays RDMSR/WRMSR. */
    public final MsrBus msrs;
    /** Arguments devices added to the Linux command line, in order. */
    public final List<String> kernelArguments;
    /** Reasons of every reset request devices made, in order. */
    public final List<String> resetRequests;
    /** Reasons of every power-off request devices made, in order. */
    public final List<String> powerOffRequests;
    /**
     * The backends {@link #charBackend} hands out, by spec. A test puts its own in before creating the
     * device; see {@link Builder#charBackendsOnDemand()} for specs it did not put in.
     */
    public final Map<String, CharBackend> charBackends = new ConcurrentHashMap<>();
    /**
     * Exceptions this context's bus devices threw out of port and MMIO accesses, in order. The bus still
     * logs and swallows them as on a real machine (a read gives all ones); a test asserts this list empty.
     */
    public final List<Throwable> deviceExceptions = Collections.synchronizedList(new ArrayList<>());

    private final Machine machine;
    private final String deviceId;
    private final boolean charBackendsOnDemand;
    private final GuardedMemory deviceMemory;
    private final Map<Integer, IrqLine> irqLines = new HashMap<>();
    private final MachineControl control;

    /** A context "test0" on a machine without RAM and with a synchronous executor. */
    public DeviceTestContext() {
        this("test0");
    }

    /** A context on a machine without RAM, with a synchronous executor and no char backend but those put in. */
    public DeviceTestContext(String deviceId) {
        this(deviceId, new Machine(0, false, ""), false);
    }

    private DeviceTestContext(String deviceId, Machine machine, boolean charBackendsOnDemand) {
        this.deviceId = deviceId;
        this.machine = machine;
        this.charBackendsOnDemand = charBackendsOnDemand;
        this.physicalMemory = machine.memory;
        this.ports = machine.ports;
        this.mmio = machine.mmio;
        this.interrupts = machine.interrupts;
        this.clock = machine.clock;
        this.pci = machine.pci;
        this.cpuid = machine.cpuid;
        this.msrs = machine.msrs;
        this.kernelArguments = machine.kernelArguments;
        this.resetRequests = machine.resetRequests;
        this.powerOffRequests = machine.powerOffRequests;
        this.deviceMemory = new GuardedMemory(machine.memory);
        this.control = new MachineControl() {
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

    /** Starts a context for the device deviceId; by default no RAM, synchronous executor. */
    public static Builder builder(String deviceId) {
        return new Builder(deviceId);
    }

    /** Options of a new machine and its first device context. */
    public static final class Builder {
        private final String deviceId;
        private long ramBytes;
        private boolean queued;
        private boolean charBackendsOnDemand;
        private String machineName = "";

        private Builder(String deviceId) {
            this.deviceId = deviceId;
        }

        /** Guest RAM from address 0 (a multiple of 4 KiB; 0 = none, the default). */
        public Builder ram(long bytes) {
            if (bytes < 0 || bytes % GuestMemory.PAGE_SIZE != 0) {
                throw new IllegalArgumentException("RAM size " + bytes + " is not a multiple of " + GuestMemory.PAGE_SIZE);
            }
            this.ramBytes = bytes;
            return this;
        }

        /**
         * Tasks posted to {@link DeviceTestContext#executor()} wait in a queue until the test calls
         * {@link DeviceTestContext#runTasks()}, as they would wait for the vCPU thread. Without it they run
         * at once on the posting thread.
         */
        public Builder queuedExecutor() {
            this.queued = true;
            return this;
        }

        /**
         * A spec no backend was put in for opens a fresh {@link MemoryCharBackend} (kept under that spec, see
         * {@link DeviceTestContext#memoryCharBackend}). Without it such a spec is a configuration error.
         */
        public Builder charBackendsOnDemand() {
            this.charBackendsOnDemand = true;
            return this;
        }

        /** The name {@link DeviceTestContext#machineName()} reports (default: empty, as for an unnamed machine). */
        public Builder machineName(String name) {
            this.machineName = name;
            return this;
        }

        public DeviceTestContext build() {
            return new DeviceTestContext(deviceId, new Machine(ramBytes, queued, machineName), charBackendsOnDemand);
        }
    }

    /**
     * A context for a second device on this context's machine: same memory, buses, interrupts, clock, PCI
     * bus, MSRs, CPUID, request lists and task queue; its own id, IRQ handles, char backends, exceptions.
     */
    public DeviceTestContext onSameMachine(String deviceId) {
        return new DeviceTestContext(deviceId, machine, charBackendsOnDemand);
    }

    /** A config for a device of this type, id type + "0", with key=value parameters (alternating). */
    public static DeviceConfig config(String type, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("parameters come in key, value pairs");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return new DeviceConfig(type, type + "0", params, "test");
    }

    // --- the test as guest and vCPU ---

    /** An 8-bit IN from port. */
    public int in(int port) {
        return (int) ports.read(port, 1);
    }

    /** An IN of size bytes (1, 2 or 4) from port. */
    public long in(int port, int size) {
        return ports.read(port, size);
    }

    /** An 8-bit OUT of value's low byte to port. */
    public void out(int port, int value) {
        ports.write(port, 1, value & 0xff);
    }

    /** An OUT of size bytes (1, 2 or 4) to port. */
    public void out(int port, int size, long value) {
        ports.write(port, size, value);
    }

    /** True while interrupt line n is high (any holder holds it high). */
    public boolean irqLevel(int line) {
        return interrupts.level(line);
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

    /**
     * Runs the machine's queued tasks in the order they were posted, including those they post, until none
     * is left; returns how many ran (always 0 with a synchronous executor).
     */
    public int runTasks() {
        int n = 0;
        for (Runnable r; (r = machine.nextTask()) != null; n++) {
            r.run();
        }
        return n;
    }

    /** Tasks posted and not yet run. */
    public int pendingTasks() {
        synchronized (machine.tasks) {
            return machine.tasks.size();
        }
    }

    /** How many accesses this context's device made through {@link #memory()} outside mapped memory. */
    public int unmappedAccesses() {
        return deviceMemory.unmappedAccesses();
    }

    /**
     * The {@link MemoryCharBackend} under spec: the one already there, or a new one put there (so a test can
     * take hold of it before or after the device opens it).
     *
     * @throws IllegalStateException if the test put another kind of backend under spec
     */
    public MemoryCharBackend memoryCharBackend(String spec) {
        CharBackend b = charBackends.computeIfAbsent(spec, s -> new MemoryCharBackend());
        if (b instanceof MemoryCharBackend m) {
            return m;
        }
        throw new IllegalStateException("the char backend for " + spec + " is a " + b.getClass().getName());
    }

    /** Frees the machine's RAM (shared with {@link #onSameMachine} contexts); later calls do nothing. */
    @Override
    public void close() {
        machine.close();
    }

    // --- DeviceContext ---

    @Override
    public String deviceId() {
        return deviceId;
    }

    /** The machine's memory, counting accesses outside it ({@link #unmappedAccesses()}). */
    @Override
    public GuestMemory memory() {
        return deviceMemory;
    }

    @Override
    public BusRegistration registerPorts(int base, int length, BusDevice device) throws DeviceConfigException {
        try {
            return ports.register(base, length, recorded(device), deviceId);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(e.getMessage());
        }
    }

    /** As the kernel: a range that overlaps guest memory or another device is a configuration error. */
    @Override
    public BusRegistration registerMmio(long base, long length, BusDevice device) throws DeviceConfigException {
        if (physicalMemory.isMapped(base, 1) || physicalMemory.isMapped(base + length - 1, 1)) {
            throw new DeviceConfigException(String.format("MMIO range 0x%x+0x%x of %s overlaps guest memory",
                    base, length, deviceId));
        }
        try {
            return mmio.register(base, length, recorded(device), deviceId);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(e.getMessage());
        }
    }

    /** One handle per line and context, as the kernel's device slot keeps them (also across a hot-swap). */
    @Override
    public IrqLine irq(int line) {
        synchronized (irqLines) {
            return irqLines.computeIfAbsent(line, interrupts::line);
        }
    }

    @Override
    public InterruptPin installInterruptController(InterruptController c) {
        return interrupts.install(c);
    }

    @Override
    public FpuErrorLogic.IgnnePin installFpuErrorLogic(FpuErrorLogic logic) {
        return interrupts.install(logic);
    }

    @Override
    public VirtualClock clock() {
        return clock;
    }

    @Override
    public Timer createTimer(Runnable callback) {
        return clock.createTimer(callback);
    }

    /** Synchronous, or queued for {@link #runTasks()} (see {@link Builder#queuedExecutor()}). */
    @Override
    public Executor executor() {
        return machine.executor;
    }

    /** Records requests in {@link #resetRequests} and {@link #powerOffRequests}. */
    @Override
    public MachineControl machine() {
        return control;
    }

    @Override
    public PciBus pci() {
        return pci;
    }

    /** The backend put in {@link #charBackends} under spec (or a new {@link MemoryCharBackend}, on demand). */
    @Override
    public CharBackend charBackend(String spec) throws DeviceConfigException {
        if (charBackendsOnDemand) {
            return charBackends.computeIfAbsent(spec, s -> new MemoryCharBackend());
        }
        CharBackend b = charBackends.get(spec);
        if (b == null) {
            throw new DeviceConfigException("the test context " + deviceId + " has no char backend for " + spec);
        }
        return b;
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
        return System.getLogger("hyperbundle.device." + deviceId);
    }

    /** The machine's name given to the builder (shared with {@link #onSameMachine} contexts). */
    @Override
    public String machineName() {
        return machine.name;
    }

    private BusDevice recorded(BusDevice d) {
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

    /** What the contexts of one machine share. */
    private static final class Machine {
        final PhysicalMemory memory = new PhysicalMemory();
        final IoBus ports = new IoBus("port", 0x10000);
        final IoBus mmio = new IoBus("mmio", 1L << 32);
        final InterruptRouter interrupts = new InterruptRouter();
        final MachineClock clock = MachineClock.manual();
        final PciBus pci = new PciBus();
        final CpuidTable cpuid = CpuidTable.i686();
        final MsrBus msrs = new MsrBus();
        final List<String> kernelArguments = Collections.synchronizedList(new ArrayList<>());
        final List<String> resetRequests = Collections.synchronizedList(new ArrayList<>());
        final List<String> powerOffRequests = Collections.synchronizedList(new ArrayList<>());
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
        final Executor executor;
        private boolean closed;

        final String name;

        Machine(long ramBytes, boolean queued, String name) {
            this.name = name;
            if (ramBytes > 0) {
                memory.addRegion(0, ramBytes, MemoryRegion.Kind.RAM, "ram");
            }
            executor = queued ? this::post : Runnable::run;
        }

        private void post(Runnable r) {
            synchronized (tasks) {
                tasks.add(r);
            }
        }

        Runnable nextTask() {
            synchronized (tasks) {
                return tasks.poll();
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                memory.close();
            }
        }
    }
}
