package dev.hyperbundle.testkit;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.kernel.machine.Platform;
import dev.hyperbundle.kernel.machine.PlatformVcpuContext;
import dev.hyperbundle.kernel.machine.VcpuLoop;
import dev.hyperbundle.memory.MemoryRegion;
import dev.hyperbundle.time.MachineClock;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a {@link TestGuest} on a backend through the kernel's own vCPU loop. */
public final class GuestRunner {
    private GuestRunner() {
    }

    public static TestRun run(CpuBackend backend, TestGuest guest, Duration timeout) {
        return run(backend, guest, timeout, null);
    }

    /**
     * As {@link #run(CpuBackend, TestGuest, Duration)}; switchTo, when not null, re-creates the vCPU on that
     * backend from saved state every switchEvery of host time (differential and live-switch tests).
     */
    public static TestRun run(CpuBackend backend, TestGuest guest, Duration timeout, SwitchPlan switchPlan) {
        MachineClock clock = MachineClock.realtime();
        Platform platform = Platform.create(guest.ramBytes(), clock);
        MemoryRegion ram = platform.memory().regions().get(0);
        for (TestGuest.Blob b : guest.blobs()) {
            platform.memory().load(b.address(), b.bytes(), 0, b.bytes().length);
        }
        CompletableFuture<TestRun> result = new CompletableFuture<>();
        Harness harness = new Harness(platform, ram, result);
        VcpuLoop loop = new VcpuLoop("testkit", clock, harness);
        harness.loop = loop;
        harness.devices = new TestDevices(platform, () -> loop.requestPowerOff("exit port"));
        platform.interrupts().setWakeup(loop::interruptRaised);
        Vcpu vcpu = backend.createVcpu(new PlatformVcpuContext(0, platform));
        vcpu.loadState(guest.startState());
        loop.setVcpu(vcpu);
        loop.start("testkit-vcpu0");
        try {
            long end = System.nanoTime() + timeout.toNanos();
            if (switchPlan != null) {
                int n = 0;
                while (!result.isDone() && System.nanoTime() < end) {
                    Thread.sleep(switchPlan.every().toMillis());
                    if (result.isDone()) {
                        break;
                    }
                    CpuBackend target = n++ % 2 == 0 ? switchPlan.to() : backend;
                    loop.callParked("switch", () -> {
                        // After the loop ended, callParked runs this on our thread while onLoopEnd may be
                        // closing the vCPU: the harness lock orders the two, and an ended run is left alone.
                        synchronized (harness) {
                            if (harness.loopEnded) {
                                return null;
                            }
                            switchVcpu(loop, harness, platform, target);
                        }
                        return null;
                    });
                }
            }
            long left = Math.max(1, end - System.nanoTime());
            return result.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            harness.timedOut = true;
            loop.stop();
            try {
                return result.get(10, TimeUnit.SECONDS);
            } catch (Exception e2) {
                throw new IllegalStateException("the vCPU did not stop within 10 s after the time limit", e2);
            }
        } catch (Exception e) {
            loop.stop();
            throw new IllegalStateException(e);
        }
    }

    private static void switchVcpu(VcpuLoop loop, Harness harness, Platform platform, CpuBackend target) {
        Vcpu old = loop.vcpu();
        X86CpuState s = new X86CpuState();
        old.saveState(s);
        Vcpu next = target.createVcpu(new PlatformVcpuContext(0, platform));
        next.loadState(s);
        loop.retire(old);
        old.close();
        loop.setVcpu(next);
        harness.switches++; // on the vCPU thread (or after its end, under the harness lock), which reports the run
    }

    /** Alternate between the run's backend and {@code to} every {@code every}. */
    public record SwitchPlan(CpuBackend to, Duration every) {
    }

    private static final class Harness implements VcpuLoop.Owner {
        final Platform platform;
        final MemoryRegion ram;
        final CompletableFuture<TestRun> result;
        VcpuLoop loop;
        TestDevices devices;
        TestExit exit = TestExit.TIMEOUT;
        String error;
        volatile boolean timedOut;
        int switches;
        boolean loopEnded; // under the harness lock

        Harness(Platform platform, MemoryRegion ram, CompletableFuture<TestRun> result) {
            this.platform = platform;
            this.ram = ram;
            this.result = result;
        }

        @Override
        public boolean onGuestEnd(boolean powerOff, String reason) {
            exit = powerOff ? TestExit.DONE : TestExit.SHUTDOWN;
            return false;
        }

        @Override
        public void onError(String message, Throwable cause) {
            exit = TestExit.ERROR;
            error = message;
        }

        @Override
        public boolean onHalted(Vcpu vcpu) {
            X86CpuState s = new X86CpuState();
            vcpu.saveState(s);
            boolean interruptsOff = (s.eflags & 0x200) == 0;
            if (interruptsOff && !platform.interrupts().nmiPending()) {
                exit = TestExit.HALTED;
                return true;
            }
            return false;
        }

        @Override
        public synchronized void onLoopEnd() {
            loopEnded = true;
            X86CpuState s = new X86CpuState();
            Vcpu v = loop.vcpu();
            long instructions = loop.instructionsRetired();
            if (v != null) {
                try {
                    v.saveState(s);
                } finally {
                    v.close();
                }
            }
            byte[] mem = ram.segment().toArray(ValueLayout.JAVA_BYTE);
            Integer code = devices.exitCode;
            TestExit how = timedOut && exit == TestExit.TIMEOUT ? TestExit.TIMEOUT : exit;
            result.complete(new TestRun(how, code == null ? -1 : code,
                    devices.console.toString(StandardCharsets.ISO_8859_1), s, instructions, mem, error, switches));
            platform.memory().close();
        }
    }
}
