package dev.hyperbundle.hvassist.suites;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A kick (the real-time signal that ends KVM_RUN) that arrives after KVM_RUN already exited for another reason stays
 * pending on the vCPU thread. If the vCPU's run then ends for good (the guest failed at once), the JVM unblocks the
 * thread's signals as the thread ends and the signal's default action kills the whole process. The switch plan here
 * kicks the vCPU every millisecond while a guest that ends at its first instruction runs; before the fix the test JVM
 * died within the first runs ("Real-time signal 3").
 */
class KickAfterExitTest {
    @Test
    void kicksAroundAGuestThatEndsAtOnceLeaveTheProcessAlive() {
        CpuBackend kvm = new KvmSuiteHost().backend();
        // int 0x40 with an empty IDT: this host's emulator fails on it; real VT-x shuts down (#GP, #DF, triple fault)
        TestGuest guest = TestGuest.protectedMode(new byte[] {(byte) 0xCD, 0x40, (byte) 0xF4});
        for (int i = 0; i < 30; i++) {
            TestRun r = GuestRunner.run(kvm, guest, Duration.ofSeconds(20), new GuestRunner.SwitchPlan(kvm, Duration.ofMillis(1)));
            assertNotEquals(TestExit.TIMEOUT, r.exit(), "run " + i + ": " + r);
        }
    }
}
