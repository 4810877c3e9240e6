package dev.hyperbundle.testkit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * The base of every backend suite: which backend runs the guests, the one method every guest runs
 * through, and the assertions the suites share. The backend comes from the {@link SuiteHost} the test
 * module registers (a {@code META-INF/services/dev.hyperbundle.testkit.suite.SuiteHost} file on its test
 * class path); a backend's test class is then just {@code class MyBcdSuiteTest extends BcdSuite {}}.
 */
public abstract class BackendSuite {
    /** Guest addresses the suites share: code (the kit's), data, stack top (the kit's initial ESP). */
    public static final int CODE = TestGuest.PM_CODE, DATA = 0x30000, STACK_TOP = 0x80000;

    private static final SuiteHost HOST = java.util.ServiceLoader.load(SuiteHost.class).findFirst().orElse(null);

    /** The registered host; a test class may override this (or {@link #backend()}) to choose another. */
    protected SuiteHost host() {
        if (HOST == null) {
            throw new IllegalStateException("no " + SuiteHost.class.getName() + " registered: the backend's test module names"
                    + " one in META-INF/services/" + SuiteHost.class.getName());
        }
        return HOST;
    }

    protected CpuBackend backend() {
        return host().backend();
    }

    /** Lets the host skip this test before it runs ({@link SuiteHost#beforeTest}). */
    @BeforeEach
    final void askTheHost(TestInfo test) {
        java.lang.reflect.Method m = test.getTestMethod().orElseThrow();
        host().beforeTest(m.getDeclaringClass(), m.getName());
    }

    /** The host time limit of one guest; the suites' guests run well below a million instructions. */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /** Every guest of the suites runs through here; {@code switchPlan} may be null. */
    protected TestRun run(TestGuest guest, GuestRunner.SwitchPlan switchPlan) {
        return host().checked(GuestRunner.run(backend(), guest, timeout(), switchPlan));
    }

    protected final TestRun run(TestGuest guest) {
        return run(guest, null);
    }

    /** Called before every guest that turns paging on; a backend that cannot page here skips from it. */
    protected void requirePaging() {
        host().requirePaging();
    }

    protected final TestRun runPaged(TestGuest guest) {
        requirePaging();
        return run(guest);
    }

    /** Flat 32-bit protected mode (paging off, no IDT): runs {@code code} and a final HLT; it must halt. */
    protected final TestRun exec(Asm code) {
        return exec(pm(code));
    }

    /** The flat protected-mode guest of {@code code} and a final HLT (add data with {@link TestGuest#load}). */
    protected static TestGuest pm(Asm code) {
        return TestGuest.protectedMode(code.hlt().bytes());
    }

    /** Runs a guest that must end in HLT (with interrupts off). */
    protected final TestRun exec(TestGuest guest) {
        TestRun r = run(guest);
        assertHalted(r);
        return r;
    }

    /**
     * One instruction: EFLAGS = {@code flagsIn}, then the registers of {@code regValuePairs} (register,
     * value, register, value, ...), then {@code instruction} (hex), then HLT.
     */
    protected final TestRun op(String instruction, int flagsIn, int... regValuePairs) {
        return exec(setup(flagsIn, regValuePairs).x(instruction));
    }

    /** EFLAGS = flagsIn (PUSH imm32; POPFD: the dword below ESP is used), then the registers: the start of most programs. */
    protected static Asm setup(int flagsIn, int... regValuePairs) {
        if (regValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("register, value pairs expected");
        }
        Asm a = new Asm().flags(flagsIn);
        for (int i = 0; i < regValuePairs.length; i += 2) {
            a.mov(regValuePairs[i], regValuePairs[i + 1]);
        }
        return a;
    }

    protected static String describe(TestRun r) {
        return r.exit() + (r.error() == null ? "" : " (" + r.error() + ")") + ", flags " + Eflags.names(r.state().eflags)
                + ", exit code " + r.exitCode() + ", state " + r.state();
    }

    protected static void assertHalted(TestRun r) {
        assertEquals(TestExit.HALTED, r.exit(), () -> "the guest should end in HLT: " + describe(r));
    }

    protected static void assertExit(TestRun r, int code) {
        assertEquals(TestExit.DONE, r.exit(), () -> "the guest should write its exit code: " + describe(r));
        assertHex(code, r.exitCode(), "exit code");
    }

    /**
     * The guest ended in the {@link FaultRecorder}'s handler after exactly one event: {@code vector}, with
     * {@code eip} as the pushed return address (the faulting instruction for faults, the next one for
     * traps) and the kit's code selector.
     */
    protected static void assertException(TestRun r, int vector, int eip) {
        assertHalted(r);
        assertHex(vector, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(1, FaultRecorder.count(r), "events delivered");
        assertHex(eip, FaultRecorder.stack(r, 0), "pushed EIP");
        assertHex(TestGuest.CODE32, FaultRecorder.stack(r, 1) & 0xffff, "pushed CS");
    }

    /** As {@link #assertException(TestRun, int, int)} for an exception that pushes an error code. */
    protected static void assertException(TestRun r, int vector, int errorCode, int eip) {
        assertHalted(r);
        assertHex(vector, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(1, FaultRecorder.count(r), "events delivered");
        assertHex(errorCode, FaultRecorder.stack(r, 0), "error code");
        assertHex(eip, FaultRecorder.stack(r, 1), "pushed EIP");
        assertHex(TestGuest.CODE32, FaultRecorder.stack(r, 2) & 0xffff, "pushed CS");
    }

    /** No error code, for {@link #assertUserException}. */
    protected static final int NO_ERROR_CODE = -1;

    /**
     * The guest ended in the {@link FaultRecorder}'s handler after exactly one event from ring 3 (a
     * {@link UserMode} guest): the frame on the TSS's ring-0 stack holds [error code,] EIP, the ring-3 CS,
     * EFLAGS, the ring-3 ESP and SS.
     */
    protected static void assertUserException(TestRun r, int vector, int errorCode, int eip, int userEsp) {
        assertHalted(r);
        assertHex(vector, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(1, FaultRecorder.count(r), "events delivered");
        int i = 0;
        if (errorCode != NO_ERROR_CODE) {
            assertHex(errorCode, FaultRecorder.stack(r, i++), "error code");
        }
        assertHex(eip, FaultRecorder.stack(r, i++), "pushed EIP");
        assertHex(UserMode.USER_CS, FaultRecorder.stack(r, i++) & 0xffff, "pushed CS");
        i++; // EFLAGS
        assertHex(userEsp, FaultRecorder.stack(r, i++), "pushed ESP");
        assertHex(UserMode.USER_SS, FaultRecorder.stack(r, i) & 0xffff, "pushed SS");
        assertHex(UserMode.ESP0 - 4 * (i + 1), FaultRecorder.esp(r), "handler ESP: the TSS's ESP0 less the frame");
    }

    /** The EFLAGS pushed by an event from ring 3 (see {@link #assertUserException}). */
    protected static int userFlags(TestRun r, boolean errorCode) {
        return FaultRecorder.stack(r, errorCode ? 3 : 2);
    }

    /** Flat protected mode with the {@link FaultRecorder}'s IDT: code, then HLT. */
    protected static TestGuest recording(Asm code) {
        return FaultRecorder.install(pm(code));
    }

    protected static void assertHex(int expected, int actual, String what) {
        assertEquals(hex(expected), hex(actual), what);
    }

    protected static void assertHex(int expected, int actual) {
        assertEquals(hex(expected), hex(actual));
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }

    private static final String[] REG = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};

    /** Register, expected value, register, expected value, ... */
    protected static void assertRegs(TestRun r, int... regValuePairs) {
        for (int i = 0; i < regValuePairs.length; i += 2) {
            int reg = regValuePairs[i];
            assertEquals(hex(regValuePairs[i + 1]), hex(r.state().gpr[reg]), () -> REG[reg] + "; " + describe(r));
        }
    }

    /** The flags of {@code mask} in the final EFLAGS are exactly {@code expected}. */
    protected static void assertFlags(TestRun r, int expected, int mask) {
        int actual = r.state().eflags & mask;
        assertEquals(Eflags.names(expected & mask), Eflags.names(actual),
                () -> "EFLAGS of " + Eflags.names(mask) + "; " + describe(r));
    }

    /** All six status flags (CF PF AF ZF SF OF) are exactly {@code expected}. */
    protected static void assertStatus(TestRun r, int expected) {
        assertFlags(r, expected, Eflags.STATUS);
    }

    protected static void assertMem32(TestRun r, int address, int expected) {
        assertEquals(hex(expected), hex(r.read32(address)), () -> String.format("dword at 0x%x", address));
    }

    protected static void assertMem16(TestRun r, int address, int expected) {
        assertEquals(hex(expected & 0xffff), hex(read16(r, address)), () -> String.format("word at 0x%x", address));
    }

    protected static void assertMem8(TestRun r, int address, int expected) {
        assertEquals(hex(expected & 0xff), hex(r.read8(address)), () -> String.format("byte at 0x%x", address));
    }

    protected static int read16(TestRun r, int address) {
        return r.read8(address) | r.read8(address + 1) << 8;
    }

    /** Little-endian bytes of 32-bit values (data blobs for {@link TestGuest#load}). */
    protected static byte[] dwords(int... values) {
        byte[] b = new byte[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < 4; j++) {
                b[i * 4 + j] = (byte) (values[i] >>> (8 * j));
            }
        }
        return b;
    }

    protected static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
