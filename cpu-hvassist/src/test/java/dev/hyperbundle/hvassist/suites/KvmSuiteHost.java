package dev.hyperbundle.hvassist.suites;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.hvassist.backend.HvAssistBackend;
import dev.hyperbundle.hvassist.backend.KvmAvailability;
import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestRun;

/**
 * What the backend suites may skip on this host's KVM, and nothing else. Some hosts serve /dev/kvm
 * through the host kernel's x86 instruction emulator (nested virtualization): there a 32-bit guest that
 * turns paging on triple-faults (the backend's availability detail says so), and some instructions are
 * not emulated at all (KVM_RUN ends in "instruction emulation failed" with the instruction bytes, e.g. a
 * protected-mode IRET). A test that meets one of these two is skipped with the reason; every other result
 * must be exactly the interpreter's.
 */
final class KvmSuiteHost {
    /** One backend for all suites: its availability (one probe VM) is checked once. */
    private static final HvAssistBackend BACKEND = new HvAssistBackend();

    private KvmSuiteHost() {
    }

    /** The backend, or a skip with its reason on hosts without a usable KVM. */
    static CpuBackend backend() {
        Availability a = BACKEND.availability();
        assumeTrue(a.available(), () -> "needs a usable KVM: " + a.detail());
        return BACKEND;
    }

    static void requirePaging() {
        Availability a = BACKEND.availability();
        assumeFalse(a.available() && a.detail().contains(KvmAvailability.NO_PAGING),
                () -> "needs paging: " + a.detail());
    }

    /** The run as it is, or a skip when the host's KVM could not emulate one of its instructions. */
    static TestRun hostLimits(TestRun r) {
        assumeFalse(r.exit() == TestExit.ERROR && r.error() != null && r.error().contains("instruction emulation failed"),
                () -> "this host's KVM cannot emulate an instruction of this guest: " + r.error());
        return r;
    }
}
