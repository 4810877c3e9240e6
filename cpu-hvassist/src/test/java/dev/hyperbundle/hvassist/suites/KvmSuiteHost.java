package dev.hyperbundle.hvassist.suites;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.hvassist.backend.HvAssistBackend;
import dev.hyperbundle.hvassist.backend.KvmAvailability;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import dev.hyperbundle.testkit.suite.FaultRecorder;
import dev.hyperbundle.testkit.suite.GateSuite;
import dev.hyperbundle.testkit.suite.SuiteHost;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What the backend suites may skip on this host's KVM, and nothing else. Some hosts serve /dev/kvm
 * through the host kernel's x86 instruction emulator (nested virtualization): there a 32-bit guest that
 * turns paging on triple-faults (the backend's availability detail says so), and some instructions are
 * not emulated at all (KVM_RUN ends in "instruction emulation failed" with the instruction bytes, e.g. a
 * protected-mode IRET). A test that meets one of these two is skipped with the reason; every other result
 * must be exactly the interpreter's, except where a probe guest shows that the host's instruction emulator
 * itself gets an instruction wrong ({@link #assumeNoHostDefect}): then only the tests of that instruction
 * are skipped, with the defect named.
 */
public final class KvmSuiteHost implements SuiteHost {
    /** One backend for all suites: its availability (one probe VM) is checked once. */
    private static final HvAssistBackend BACKEND = new HvAssistBackend();

    /** The backend, or a skip with its reason on hosts without a usable KVM. */
    @Override
    public CpuBackend backend() {
        return usableBackend();
    }

    private static CpuBackend usableBackend() {
        Availability a = BACKEND.availability();
        assumeTrue(a.available(), () -> "needs a usable KVM: " + a.detail());
        return BACKEND;
    }

    @Override
    public void requirePaging() {
        Availability a = BACKEND.availability();
        assumeFalse(a.available() && a.detail().contains(KvmAvailability.NO_PAGING),
                () -> "needs paging: " + a.detail());
    }

    /** Host defects found by their probe guests, by name (probed once each). */
    private static final Map<String, Boolean> DEFECTS = new ConcurrentHashMap<>();

    /**
     * AAD must set SF, ZF and PF from AL (SDM Vol. 2A, AAD). The host kernel's emulator (arch/x86/kvm/emulate.c
     * em_aad) sets them from the whole of EAX: with EAX = 0x12340000 the result AL = 0 gives ZF only on a
     * correct CPU.
     */
    static final String AAD_FLAGS = "this host's KVM instruction emulator sets AAD's SF/ZF/PF from EAX instead of AL"
            + " (arch/x86/kvm/emulate.c em_aad)";

    /**
     * A #NP raised while delivering a #UD (benign, then contributory) is delivered serially, not as #DF (SDM Vol.
     * 3A, 6.15, table 6-5). The probe: UD2 with a not-present IDT entry 6 and present entries 8 and 11 whose
     * handlers write their vector to memory.
     */
    static final String BENIGN_THEN_CONTRIBUTORY = "this host's KVM turns a #NP/#GP raised while delivering #UD into #DF"
            + " (SDM Vol. 3A, 6.15: they are handled serially)";

    /**
     * At CPL > 0 an instruction the host's emulator cannot run is not reported ("instruction emulation failed",
     * which {@link #checked} turns into a skip): the host kernel injects #UD into the guest instead
     * (arch/x86/kvm/x86.c handle_emulation_failure). The probe: a far CALL through a call gate from ring 3.
     */
    static final String USER_MODE_EMULATION_FAILURE = "this host's KVM injects #UD at CPL 3 for an instruction its"
            + " emulator cannot run (here a far CALL through a call gate) instead of reporting the failure";

    /** An exception through a task gate must switch tasks (SDM Vol. 3A, 6.12.2). The probe: UD2 with a task gate at vector 6. */
    static final String EXCEPTION_TASK_GATE = "this host's KVM does not switch tasks for an exception delivered through a"
            + " task gate";

    private static final Map<String, BooleanSupplier> PROBES = Map.of(
            AAD_FLAGS, KvmSuiteHost::aadProbe,
            BENIGN_THEN_CONTRIBUTORY, KvmSuiteHost::benignThenContributoryProbe,
            USER_MODE_EMULATION_FAILURE, () -> FaultRecorder.count(probe(GateSuite.userModeCallGateProbe())) != 0,
            EXCEPTION_TASK_GATE, () -> probe(GateSuite.exceptionTaskGateProbe()).state().tr.selector != GateSuite.PROBE_TASK);

    /** The suite tests that need what a host defect takes away ("Suite.method" to the defect). */
    private static final Map<String, String> NEEDS = Map.ofEntries(
            Map.entry("BcdSuite.aadWithBase16TruncatesToAByte", AAD_FLAGS),
            Map.entry("BcdSuite.aadOfZero", AAD_FLAGS),
            Map.entry("ExceptionSuite.notPresentGateForAnExceptionSetsTheExtBit", BENIGN_THEN_CONTRIBUTORY),
            Map.entry("ExceptionSuite.emptyGateForAnExceptionSetsTheExtBit", BENIGN_THEN_CONTRIBUTORY),
            Map.entry("GateSuite.callGateFromRing3ToRing0SwitchesToTheTssStackAndCopiesParameters", USER_MODE_EMULATION_FAILURE),
            Map.entry("GateSuite.callGateFromRing3ToRing1UsesTheTssRing1Stack", USER_MODE_EMULATION_FAILURE),
            Map.entry("GateSuite.callGateFromRing3ToConformingCodeKeepsCpl3", USER_MODE_EMULATION_FAILURE),
            Map.entry("GateSuite.callGateWithDplBelowCplRaisesGeneralProtection", USER_MODE_EMULATION_FAILURE),
            Map.entry("GateSuite.farJumpThroughACallGateToMorePrivilegedCodeRaisesGeneralProtection", USER_MODE_EMULATION_FAILURE),
            Map.entry("GateSuite.taskGateFromRing3AndIretBackToRing3", USER_MODE_EMULATION_FAILURE),
            Map.entry("GateSuite.doubleFaultThroughATaskGatePushesTheErrorCodeOnTheNewTaskStack", EXCEPTION_TASK_GATE));

    /** Skips the suite tests that need what a probe guest shows this host's KVM cannot do. */
    @Override
    public void beforeTest(Class<?> suite, String test) {
        String defect = NEEDS.get(suite.getSimpleName() + "." + test);
        if (defect != null) {
            assumeNoHostDefect(defect);
        }
    }

    /** Skips the test when the probe guest of defect shows it on this host's KVM. */
    private static void assumeNoHostDefect(String defect) {
        usableBackend();
        boolean present = DEFECTS.computeIfAbsent(defect, d -> PROBES.get(d).getAsBoolean());
        assumeFalse(present, defect);
    }

    private static TestRun probe(TestGuest g) {
        return GuestRunner.run(BACKEND, g, Duration.ofSeconds(20));
    }

    private static boolean aadProbe() {
        byte[] code = {(byte) 0xB8, 0, 0, 0x34, 0x12, (byte) 0xD5, 0x0A, (byte) 0x9C, 0x5B, (byte) 0xFA, (byte) 0xF4};
        TestRun r = probe(TestGuest.protectedMode(code)); // aad; pushfd; pop ebx
        return (r.state().gpr[X86CpuState.EBX] & 0x40) == 0; // ZF clear although AL = 0
    }

    private static boolean benignThenContributoryProbe() {
        int idt = 0x3000;
        int handlers = TestGuest.PM_CODE + 0x100;
        byte[] code = {0x0F, 0x0B}; // ud2
        TestGuest g = TestGuest.protectedMode(code).state(s -> {
            s.idtBase = idt;
            s.idtLimit = 0x7ff;
        });
        for (int vector : new int[] {8, 11}) {
            int h = handlers + vector * 16;
            // mov byte [0x20000], vector; cli; hlt
            g = g.load(h, new byte[] {(byte) 0xC6, 0x05, 0x00, 0x00, 0x02, 0x00, (byte) vector, (byte) 0xFA, (byte) 0xF4})
                    .load(idt + vector * 8L, gate(h, true));
        }
        g = g.load(idt + 6 * 8L, gate(handlers, false));
        return probe(g).read8(0x20000) == 8;
    }

    /** A 32-bit interrupt gate to handler in the kit's code segment (SDM Vol. 3A, 6.11). */
    private static byte[] gate(int handler, boolean present) {
        long d = (handler & 0xffffL) | (long) TestGuest.CODE32 << 16 | (present ? 0x8E00L : 0x0E00L) << 32
                | (long) (handler >>> 16) << 48;
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (d >>> (8 * i));
        }
        return b;
    }

    /** The run as it is, or a skip when the host's KVM could not emulate one of its instructions. */
    @Override
    public TestRun checked(TestRun r) {
        assumeFalse(r.exit() == TestExit.ERROR && r.error() != null && r.error().contains("instruction emulation failed"),
                () -> "this host's KVM cannot emulate an instruction of this guest: " + r.error());
        return r;
    }
}
