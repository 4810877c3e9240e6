package dev.hyperbundle.hvassist.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.kernel.machine.Platform;
import dev.hyperbundle.kernel.machine.PlatformVcpuContext;
import dev.hyperbundle.time.MachineClock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Firecracker's test_vcpu_kick for this backend: a guest spinning in {@code jmp $} (no exits at all) is
 * kicked from another thread and run() returns KICKED within a bounded time. Needs /dev/kvm.
 */
class KvmKickTest {
    @BeforeEach
    void kvm() {
        KvmTestSupport.requireKvm();
    }

    @Test
    void kickEndsATightLoopAndAKickBeforeRunReturnsAtOnce() throws Exception {
        Platform p = Platform.create(1 << 20, MachineClock.realtime());
        p.memory().load(0x7c00, new byte[] {(byte) 0xEB, (byte) 0xFE}, 0, 2); // jmp $
        ExecutorService vcpuThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("kick-test-vcpu").factory());
        Vcpu v = KvmTestSupport.BACKEND.createVcpu(new PlatformVcpuContext(0, p));
        try {
            X86CpuState s = X86CpuState.afterReset(0x663);
            s.seg[X86CpuState.CS].set(Segment.realMode(0, 0xb));
            s.eip = 0x7c00;
            v.loadState(s);
            for (int round = 0; round < 3; round++) {
                Future<VcpuExit> exit = vcpuThread.submit(v::run);
                Thread.sleep(200);
                assertFalse(exit.isDone(), "the guest spins until kicked");
                long t0 = System.nanoTime();
                v.kick();
                assertEquals(VcpuExit.KICKED, exit.get(2, TimeUnit.SECONDS));
                long micros = (System.nanoTime() - t0) / 1000;
                assertTrue(micros < 500_000, "kick latency " + micros + " us");
            }
            v.kick(); // while run() is not executing: the next run() returns at once
            assertEquals(VcpuExit.KICKED, vcpuThread.submit(v::run).get(2, TimeUnit.SECONDS));
            X86CpuState after = vcpuThread.submit(() -> {
                X86CpuState x = new X86CpuState();
                v.saveState(x);
                return x;
            }).get(2, TimeUnit.SECONDS);
            assertEquals(0x7c00, after.eip);
            assertEquals(0, after.seg[X86CpuState.CS].selector);
        } finally {
            vcpuThread.submit(v::close).get(2, TimeUnit.SECONDS);
            vcpuThread.shutdown();
            p.memory().close();
        }
    }
}
