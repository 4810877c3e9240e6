package dev.hyperbundle.kernel.machine;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuException;
import dev.hyperbundle.chardev.CharBackend;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.device.DeviceConfig;
import dev.hyperbundle.device.DeviceConfigException;
import dev.hyperbundle.device.DeviceFactory;
import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.kernel.boot.BootImageException;
import dev.hyperbundle.kernel.boot.LinuxBootLoader;
import dev.hyperbundle.kernel.chardev.CharBackendSpec;
import dev.hyperbundle.machine.ExitStatus;
import dev.hyperbundle.machine.Machine;
import dev.hyperbundle.machine.MachineConfig;
import dev.hyperbundle.machine.MachineConfigException;
import dev.hyperbundle.machine.MachineControl;
import dev.hyperbundle.machine.MachineState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A machine: a {@link Platform}, its device slots, one vCPU on a chosen backend and the loop that runs
 * it. Owns the lifecycle (start, pause, resume, reset, stop), the live switch between backends and the
 * device hot-swap protocol.
 */
public final class VmMachine implements Machine, MachineServices, MachineControl, VcpuLoop.Owner {
    private static final System.Logger LOG = System.getLogger(VmMachine.class.getName());
    private static final String USER_PAUSE = "paused by user";

    private final MachineConfig config;
    private final Platform platform;
    private final ComponentRegistry registry;
    private final CharBackendSpec charBackends;
    private final List<DeviceSlot> slots = new ArrayList<>();
    private final List<String> kernelArguments = new ArrayList<>();
    private final VcpuLoop loop;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private volatile CpuBackend backend;
    private volatile MachineState state = MachineState.CREATED;
    private volatile ExitStatus pendingExit;
    private boolean booted;

    @Inject
    VmMachine(MachineConfig config, Platform platform, ComponentRegistry registry, CharBackendSpec charBackends)
            throws MachineConfigException {
        this.config = config;
        this.platform = platform;
        this.registry = registry;
        this.charBackends = charBackends;
        this.loop = new VcpuLoop(config.name(), platform.clock(), this);
        platform.interrupts().setWakeup(loop::interruptRaised);
        try {
            backend = availableBackend(config.cpu(), config.origin("cpu"));
            for (DeviceConfig d : config.devices()) {
                DeviceSlot slot = new DeviceSlot(d);
                DeviceFactory f = registry.factory(d.type()).orElseThrow(() -> new MachineConfigException(
                        d.origin() + ": unknown device type '" + d.type() + "' (no installed bundle provides it); expected one of "
                                + oneOf(registry.deviceTypeNames())));
                slot.attach(f, this);
                slots.add(slot);
            }
            X86CpuState boot = boot();
            Vcpu vcpu = backend.createVcpu(new PlatformVcpuContext(0, platform));
            vcpu.loadState(boot);
            loop.setVcpu(vcpu);
        } catch (MachineConfigException e) {
            dispose();
            throw e;
        } catch (DeviceConfigException e) {
            dispose();
            throw new MachineConfigException(e.getMessage(), e);
        } catch (DeviceStateException | BootImageException | VcpuException e) {
            dispose();
            throw new MachineConfigException(e.getMessage(), e);
        } catch (RuntimeException e) {
            dispose();
            throw e;
        }
    }

    /** @param origin where the id came from ("vm.yaml", "command line"), or null for a live switch */
    private CpuBackend availableBackend(String id, String origin) throws MachineConfigException {
        String what = origin == null ? "'" + id + "'" : origin + ": cpu=" + id;
        CpuBackend b = registry.backend(id).orElseThrow(() -> new MachineConfigException(what
                + " is not a known CPU backend (no installed bundle provides it); expected one of " + oneOf(registry.backendIds())));
        if (!b.availability().available()) {
            throw new MachineConfigException(what + " is " + b.availability() + " (this host cannot run that backend)");
        }
        return b;
    }

    private static String oneOf(Collection<String> names) {
        return names.isEmpty() ? "(none installed)" : String.join(", ", names);
    }

    private X86CpuState boot() throws BootImageException {
        if (config.kernel() == null) {
            booted = true;
            return X86CpuState.afterReset(platform.cpuid().signature()); // no Linux: the CPU starts at the reset vector
        }
        StringBuilder cmdline = new StringBuilder(config.commandLine());
        for (String arg : kernelArguments) {
            cmdline.append(cmdline.isEmpty() ? "" : " ").append(arg);
        }
        booted = true;
        return new LinuxBootLoader(platform.memory(), config.memoryBytes())
                .load(config.kernel(), config.initrd(), cmdline.toString());
    }

    public Platform platform() {
        return platform;
    }

    public MachineConfig config() {
        return config;
    }

    // ---- MachineServices -------------------------------------------------------------------------

    @Override
    public Executor executor() {
        return loop;
    }

    @Override
    public MachineControl control() {
        return this;
    }

    @Override
    public void addKernelArgument(String argument) {
        if (!booted) {
            kernelArguments.add(argument);
        }
    }

    @Override
    public CharBackend openCharBackend(String spec) {
        return charBackends.open(spec);
    }

    // ---- MachineControl --------------------------------------------------------------------------

    @Override
    public void requestReset(String reason) {
        loop.requestReset(reason);
    }

    @Override
    public void requestPowerOff(String reason) {
        loop.requestPowerOff(reason);
    }

    // ---- Machine ---------------------------------------------------------------------------------

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public MachineState state() {
        if (state == MachineState.RUNNING && loop.paused()) {
            return MachineState.PAUSED;
        }
        return state;
    }

    @Override
    public String cpuBackend() {
        return backend.id();
    }

    @Override
    public synchronized void start() {
        if (state != MachineState.CREATED) {
            throw new IllegalStateException("machine " + name() + " is " + state + "; start() is only for a new machine");
        }
        state = MachineState.RUNNING;
        platform.clock().resume();
        loop.start(config.name() + "-vcpu0");
    }

    @Override
    public void pause() {
        loop.pause(USER_PAUSE);
    }

    @Override
    public void resume() {
        loop.resume(USER_PAUSE);
    }

    @Override
    public void reset() {
        requestReset("reset by user");
    }

    @Override
    public void stop() {
        pendingExit = new ExitStatus(ExitStatus.Kind.STOPPED, "stopped");
        if (state == MachineState.CREATED) {
            state = MachineState.STOPPED;
            dispose();
            exit.complete(pendingExit);
            return;
        }
        loop.stop();
    }

    @Override
    public void switchBackend(String backendId) {
        try {
            loop.callParked("switching to " + backendId, () -> {
                CpuBackend target = availableBackend(backendId, null);
                Vcpu old = loop.vcpu();
                X86CpuState saved = new X86CpuState();
                old.saveState(saved);
                Vcpu next = target.createVcpu(new PlatformVcpuContext(0, platform));
                next.loadState(saved);
                loop.retire(old);
                old.close();
                loop.setVcpu(next);
                backend = target;
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public X86CpuState cpuState() {
        try {
            return loop.callParked("reading CPU state", () -> {
                X86CpuState s = new X86CpuState();
                loop.vcpu().saveState(s);
                return s;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public long instructionsRetired() {
        return loop.instructionsRetired();
    }

    @Override
    public ExitStatus awaitExit() throws InterruptedException {
        try {
            return exit.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return new ExitStatus(ExitStatus.Kind.ERROR, String.valueOf(e.getCause()));
        }
    }

    @Override
    public Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.of(new ExitStatus(ExitStatus.Kind.ERROR, String.valueOf(e.getCause())));
        }
    }

    @Override
    public synchronized List<String> describeDevices() {
        List<String> out = new ArrayList<>();
        for (DeviceSlot s : slots) {
            out.add(s.id() + " " + s.type() + (s.attached() ? " attached" : " waiting for a " + s.type() + " factory"));
        }
        return out;
    }

    /** Why the machine is paused (user, missing device factories), empty when it is not. */
    public java.util.Set<String> pauseReasons() {
        return loop.pauseHolders();
    }

    // ---- Hot-swap --------------------------------------------------------------------------------

    /**
     * A device factory is leaving: pause, save and close every device it serves, and stay paused until a
     * factory for the type returns ({@link #factoryArrived}). Returns true when this machine used it.
     */
    public boolean factoryLeaving(DeviceFactory f) {
        List<DeviceSlot> affected;
        synchronized (this) {
            affected = slots.stream().filter(s -> s.factory() == f).toList();
        }
        if (affected.isEmpty()) {
            return false;
        }
        String holder = waitingFor(f.type());
        loop.pause(holder);
        try {
            loop.callParked("hot-swap of " + f.type(), () -> {
                for (DeviceSlot s : affected) {
                    s.detach();
                }
                return null;
            });
        } catch (Exception e) {
            fail("saving the state of " + f.type() + " devices failed: " + e.getMessage(), e);
            return true;
        }
        LOG.log(System.Logger.Level.DEBUG, "machine " + name() + " paused: " + holder);
        System.err.println("hyperbundle: machine " + name() + " paused: " + holder);
        return true;
    }

    /** A device factory appeared: re-create any devices of its type waiting for one and resume. */
    public void factoryArrived(DeviceFactory f) {
        List<DeviceSlot> waiting;
        synchronized (this) {
            waiting = slots.stream().filter(s -> !s.attached() && s.type().equals(f.type())).toList();
        }
        if (waiting.isEmpty()) {
            return;
        }
        try {
            loop.callParked("hot-swap of " + f.type(), () -> {
                for (DeviceSlot s : waiting) {
                    s.attach(f, this);
                }
                return null;
            });
        } catch (Exception e) {
            fail("restoring " + f.type() + " devices from the new bundle failed: " + e.getMessage(), e);
            return;
        }
        loop.resume(waitingFor(f.type()));
        LOG.log(System.Logger.Level.DEBUG, "machine " + name() + ": " + f.type() + " devices restored, resumed");
        System.err.println("hyperbundle: machine " + name() + ": " + f.type() + " devices restored from the new bundle");
    }

    private static String waitingFor(String type) {
        return "waiting for a device factory of type " + type;
    }

    private void fail(String message, Throwable cause) {
        LOG.log(System.Logger.Level.ERROR, message, cause);
        pendingExit = new ExitStatus(ExitStatus.Kind.ERROR, message);
        loop.stop();
    }

    // ---- VcpuLoop.Owner --------------------------------------------------------------------------

    @Override
    public boolean onGuestEnd(boolean powerOff, String reason) {
        if (!powerOff && config.rebootOnReset()) {
            try {
                rebootInPlace();
                return true;
            } catch (BootImageException | RuntimeException e) {
                pendingExit = new ExitStatus(ExitStatus.Kind.ERROR, "reboot failed: " + e.getMessage());
                return false;
            }
        }
        pendingExit = new ExitStatus(powerOff ? ExitStatus.Kind.POWER_OFF : ExitStatus.Kind.RESET,
                (powerOff ? "guest powered off (" : "guest reset (") + reason + ")");
        return false;
    }

    private void rebootInPlace() throws BootImageException {
        platform.memory().clearRam();
        for (DeviceSlot s : slots) {
            if (s.attached()) {
                s.device().reset();
            }
        }
        booted = false;
        loop.vcpu().loadState(boot());
    }

    @Override
    public void onError(String message, Throwable cause) {
        pendingExit = new ExitStatus(ExitStatus.Kind.ERROR, message);
    }

    @Override
    public void onLoopEnd() {
        ExitStatus status = pendingExit != null ? pendingExit : new ExitStatus(ExitStatus.Kind.STOPPED, "stopped");
        state = MachineState.STOPPED;
        dispose();
        exit.complete(status);
    }

    private synchronized void dispose() {
        Vcpu v = loop.vcpu();
        if (v != null) {
            try {
                loop.retire(v);
                v.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing the vCPU failed", e);
            }
            loop.setVcpu(null);
        }
        for (DeviceSlot s : slots) {
            s.dispose();
        }
        platform.memory().close();
    }
}
