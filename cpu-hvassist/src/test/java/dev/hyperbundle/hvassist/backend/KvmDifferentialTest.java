package dev.hyperbundle.hvassist.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.hyperbundle.backend.Availability;
import dev.hyperbundle.backend.CpuBackend;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.interp.backend.InterpBackend;
import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Test;

/**
 * The same test-kit guests on the interpreter (the oracle) and on KVM: same end, exit code, console
 * output, final CPU state (except the TSC) and RAM. Every guest ends in CLI; HLT so both stop at the same
 * instruction. Needs /dev/kvm.
 */
class KvmDifferentialTest {
    private static final CpuBackend INTERP = new InterpBackend();
    private static Availability kvm;

    @BeforeEach
    void requireKvm(TestInfo test) {
        if (!test.getTestMethod().orElseThrow().getName().startsWith("oracle")) {
            kvm = KvmTestSupport.requireKvm();
        }
    }

    /** Without KVM too: the guests themselves do what the differential tests expect, on the interpreter. */
    @Test
    void oracleRunsTheGuests() {
        TestRun rm = run(INTERP, realModeGuest());
        assertEquals("RM", rm.console());
        assertEquals(7, rm.exitCode());
        assertEquals(TestExit.DONE, rm.exit());
        assertEquals(0x2345, rm.state().gpr[X86CpuState.EBX]);
        TestRun pm = run(INTERP, mmioGuest());
        assertEquals("abc", pm.console());
        assertEquals(0xcafebabe, pm.state().gpr[X86CpuState.EBX]);
        TestRun rmIrq = run(INTERP, realModeInterruptGuest());
        assertEquals(TestExit.HALTED, rmIrq.exit(), rmIrq.toString());
        assertEquals("II", rmIrq.console());
        assertEquals(0, rmIrq.read32(0x6ffc));
        TestRun irq = run(INTERP, interruptGuest());
        assertEquals(TestExit.HALTED, irq.exit(), irq.toString());
        assertEquals("II", irq.console());
        assertEquals(0, irq.read32(0x7fff4));
        TestRun paging = run(INTERP, pagingGuest());
        assertEquals("P", paging.console());
        assertEquals(0x80000011, paging.state().cr0);
        int n = 300_000;
        assertEquals((int) ((long) n * (n + 1) / 2), run(INTERP, sumGuest(n)).state().gpr[X86CpuState.EAX]);
    }

    private static byte[] code(int... bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b : bytes) {
            out.write(b);
        }
        return out.toByteArray();
    }

    private static TestRun run(CpuBackend backend, TestGuest g) {
        return GuestRunner.run(backend, g, Duration.ofSeconds(30));
    }

    private static void assertSame(TestRun oracle, TestRun kvmRun) {
        assertEquals(oracle.exit(), kvmRun.exit(), () -> "exit; kvm error: " + kvmRun.error());
        assertEquals(oracle.exitCode(), kvmRun.exitCode());
        assertEquals(oracle.console(), kvmRun.console());
        X86CpuState a = oracle.state().copy();
        X86CpuState b = kvmRun.state().copy();
        a.tsc = 0;
        b.tsc = 0;
        assertEquals(a.toString(), b.toString());
        assertEquals(a, b);
        assertArrayEquals(oracle.memory(), kvmRun.memory(), "RAM");
    }

    private static TestRun differential(TestGuest g) {
        TestRun oracle = run(INTERP, g);
        TestRun onKvm = run(KvmTestSupport.BACKEND, g);
        assertSame(oracle, onKvm);
        return onKvm;
    }

    @Test
    void realModeConsoleArithmeticAndExitPort() {
        TestRun r = differential(realModeGuest());
        assertEquals(TestExit.DONE, r.exit()); // the exit port ends the run right after the OUT
        assertEquals(0x7c1b, r.state().eip);
        assertEquals(7, r.exitCode());
        assertEquals("RM", r.console());
        assertEquals(0x2345, r.state().gpr[X86CpuState.EBX]);
    }

    static TestGuest realModeGuest() {
        return TestGuest.realMode(code(
                0xB0, 'R', 0xE6, 0xE9, 0xB0, 'M', 0xE6, 0xE9, // mov al,'R'; out 0xe9,al; mov al,'M'; out 0xe9,al
                0xB8, 0x34, 0x12, 0x89, 0xC3, 0x81, 0xC3, 0x11, 0x11, 0x53, // mov ax,0x1234; mov bx,ax; add bx,0x1111; push bx
                0x66, 0xB8, 7, 0, 0, 0, 0x66, 0xE7, 0xF4, // mov eax,7; out 0xf4,eax
                0xFA, 0xF4)); // cli; hlt
    }

    @Test
    void protectedModeMmioAndStringIo() {
        TestRun r = differential(mmioGuest());
        assertEquals("abc", r.console());
        assertEquals(0xcafebabe, r.state().gpr[X86CpuState.EBX]);
        assertEquals(0x5a, r.state().gpr[X86CpuState.ECX]);
    }

    static TestGuest mmioGuest() {
        return TestGuest.protectedMode(code(
                0xB8, 0xBE, 0xBA, 0xFE, 0xCA, // mov eax,0xcafebabe
                0xA3, 0x00, 0x00, 0xD0, 0xFE, // mov [0xfed00000],eax
                0x8B, 0x1D, 0x00, 0x00, 0xD0, 0xFE, // mov ebx,[0xfed00000]
                0xC6, 0x05, 0x04, 0x00, 0xD0, 0xFE, 0x5A, // mov byte [0xfed00004],0x5a
                0x0F, 0xB6, 0x0D, 0x04, 0x00, 0xD0, 0xFE, // movzx ecx,byte [0xfed00004]
                0x51, 0xBE, 0x00, 0x00, 0x02, 0x00, 0xBA, 0xE9, 0, 0, 0, // push ecx; mov esi,0x20000; mov edx,0xe9
                0xB9, 3, 0, 0, 0, 0xFC, 0xF3, 0x6E, 0x59, // mov ecx,3; cld; rep outsb; pop ecx
                0x9C, 0x5F, // pushfd; pop edi
                0xFA, 0xF4)).load(0x20000, "abc".getBytes());
    }

    /**
     * Interrupts from the kit's source in real mode: one taken from HLT, one from a timer that fires while
     * the guest spins (the alarm thread kicks KVM_RUN). The interrupt frame is cleared so both runs leave
     * the same RAM.
     */
    @Test
    void realModeInterruptsWhileHaltedAndWhileComputing() {
        TestRun r = differential(realModeInterruptGuest());
        assertEquals("II", r.console());
        assertEquals(2, r.state().gpr[X86CpuState.ESI] & 0xffff);
    }

    static TestGuest realModeInterruptGuest() {
        int handler = TestGuest.RM_CODE + 0x100;
        byte[] main = code(
                0x31, 0xF6, // xor si,si
                0xB0, 0x20, 0xE6, 0xF0, // mov al,0x20; out 0xf0,al
                0x31, 0xC0, 0xE6, 0xF8, // xor ax,ax; out 0xf8,al (INTR now)
                0xFB, 0xF4, // sti; hlt
                0x66, 0xB8, 0xE8, 0x03, 0, 0, 0x66, 0xE7, 0xF8, // mov eax,1000; out 0xf8,eax (in 1 ms)
                0x83, 0xFE, 0x02, 0x75, 0xFB, // spin: cmp si,2; jne spin
                0xC7, 0x06, 0xFA, 0x6F, 0, 0, // mov word [0x6ffa],0 (the frame's IP)
                0xC7, 0x06, 0xFC, 0x6F, 0, 0, // ... CS
                0xC7, 0x06, 0xFE, 0x6F, 0, 0, // ... FLAGS
                0xFA, 0xF4);
        return TestGuest.realMode(main)
                .load(handler, code(0xB0, 'I', 0xE6, 0xE9, 0x46, 0xCF)) // mov al,'I'; out 0xe9,al; inc si; iret
                .load(0x20 * 4, code(handler & 0xff, handler >>> 8, 0, 0)); // IVT entry 0x20 = 0000:handler
    }

    /**
     * The same in 32-bit protected mode through an interrupt gate. Some hosts' KVM run every guest
     * instruction through the kernel's x86 emulator (TOOLCHAIN.md), whose IRET handles real mode only
     * (arch/x86/kvm/emulate.c em_iret): there the run ends in "instruction emulation failed" at the IRETD,
     * and the test is skipped with that reason.
     */
    @Test
    void interruptsWhileHaltedAndWhileComputing() {
        TestGuest g = interruptGuest();
        TestRun oracle = run(INTERP, g);
        TestRun onKvm = run(KvmTestSupport.BACKEND, g);
        assumeFalse(onKvm.exit() == TestExit.ERROR && onKvm.error().contains("instruction emulation failed")
                        && onKvm.error().contains(String.format("%08x", INTERRUPT_HANDLER + 5)),
                () -> "this host's KVM cannot emulate a protected-mode IRET: " + onKvm.error());
        assertSame(oracle, onKvm);
        assertEquals("II", onKvm.console());
        assertEquals(2, onKvm.state().gpr[X86CpuState.ESI]);
    }

    static final int INTERRUPT_HANDLER = TestGuest.PM_CODE + 0x100;

    static TestGuest interruptGuest() {
        int handler = INTERRUPT_HANDLER;
        long gate = (handler & 0xffffL) | (long) TestGuest.CODE32 << 16 | 0x8E00L << 32 | (long) (handler >>> 16) << 48;
        byte[] idtEntry = new byte[8];
        for (int i = 0; i < 8; i++) {
            idtEntry[i] = (byte) (gate >>> (8 * i));
        }
        byte[] main = code(
                0x31, 0xF6, // xor esi,esi
                0xB0, 0x20, 0xE6, 0xF0, // mov al,0x20; out 0xf0,al
                0x31, 0xC0, 0xE6, 0xF8, // xor eax,eax; out 0xf8,al (INTR now)
                0xFB, 0xF4, // sti; hlt
                0xB8, 0xE8, 0x03, 0, 0, 0xE7, 0xF8, // mov eax,1000; out 0xf8,eax (in 1 ms)
                0x83, 0xFE, 0x02, 0x75, 0xFB, // spin: cmp esi,2; jne spin
                0xC7, 0x05, 0xF4, 0xFF, 0x07, 0x00, 0, 0, 0, 0, // mov dword [0x7fff4],0 (the frame's EIP)
                0xC7, 0x05, 0xF8, 0xFF, 0x07, 0x00, 0, 0, 0, 0, // ... CS
                0xC7, 0x05, 0xFC, 0xFF, 0x07, 0x00, 0, 0, 0, 0, // ... EFLAGS
                0xFA, 0xF4);
        return TestGuest.protectedMode(main)
                .load(handler, code(0xB0, 'I', 0xE6, 0xE9, 0x46, 0xCF)) // mov al,'I'; out 0xe9,al; inc esi; iretd
                .load(0x3000 + 0x20 * 8, idtEntry)
                .state(s -> {
                    s.idtBase = 0x3000;
                    s.idtLimit = 0x7ff;
                });
    }

    /** Switching between the interpreter and KVM every 20 ms while the guest computes: the same sum. */
    @Test
    void liveSwitchingKeepsTheComputation() {
        int n = 300_000;
        TestGuest g = sumGuest(n);
        TestRun oracle = run(INTERP, g);
        TestRun switched = GuestRunner.run(KvmTestSupport.BACKEND, g, Duration.ofSeconds(60),
                new GuestRunner.SwitchPlan(INTERP, Duration.ofMillis(20)));
        assertSame(oracle, switched);
        assertEquals((int) ((long) n * (n + 1) / 2), switched.state().gpr[X86CpuState.EAX]);
    }

    static TestGuest sumGuest(int n) {
        return TestGuest.protectedMode(code(
                0x31, 0xC0, 0xB9, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, 0, // xor eax,eax; mov ecx,n
                0x01, 0xC8, 0xE2, 0xFC, // add eax,ecx; loop
                0xFA, 0xF4));
    }

    /**
     * A long computation with periodic output (seconds on this host's emulated KVM), moved between KVM and
     * the interpreter every 10 ms: the same console output, final state and RAM as the unswitched run on
     * each backend, and at least ten switches.
     */
    @Test
    void longGuestSwitchedAtLeastTenTimesMatchesUnswitchedRuns() {
        TestGuest g = periodicGuest(48, 60_000);
        TestRun oracle = run(INTERP, g);
        assertEquals("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV", oracle.console());
        assertSame(oracle, GuestRunner.run(KvmTestSupport.BACKEND, g, Duration.ofSeconds(120)));
        TestRun switched = GuestRunner.run(KvmTestSupport.BACKEND, g, Duration.ofSeconds(120),
                new GuestRunner.SwitchPlan(INTERP, Duration.ofMillis(10)));
        assertSame(oracle, switched);
        assertTrue(switches(switched) >= 10, () -> "only " + switches(switched) + " switches");
    }

    private static int switches(TestRun r) {
        return r.switches();
    }

    /**
     * lines rounds of: inner iterations of a mixing step (add, xor, rotate, memory read-modify-write), then
     * one character on the console; EBX ends as a checksum of the whole computation.
     */
    static TestGuest periodicGuest(int lines, int inner) {
        return TestGuest.protectedMode(code(
                0x31, 0xDB, // xor ebx,ebx
                0xBE, 0x00, 0x00, 0x03, 0x00, // mov esi,0x30000
                0xBF, lines, 0, 0, 0, // mov edi,lines
                0xB2, 'a', // mov dl,'a'
                // outer:
                0xB9, inner & 0xff, (inner >>> 8) & 0xff, (inner >>> 16) & 0xff, 0, // mov ecx,inner
                // inner:
                0x01, 0xCB, // add ebx,ecx
                0x81, 0xF3, 0x55, 0xAA, 0x33, 0x11, // xor ebx,0x1133aa55
                0xC1, 0xC3, 0x05, // rol ebx,5
                0x01, 0x1E, // add [esi],ebx
                0xE2, 0xF1, // loop inner (-15)
                0x88, 0xD0, 0xE6, 0xE9, // mov al,dl; out 0xe9,al
                0xFE, 0xC2, // inc dl
                0x80, 0xFA, 'z' + 1, 0x75, 0x02, 0xB2, 'A', // cmp dl,'z'+1; jne +2; mov dl,'A'
                0x4F, 0x75, 0xDC, // dec edi; jnz outer (-36)
                0xFA, 0xF4));
    }

    /** A guest that turns paging on: the same result, or on hosts whose KVM cannot, the one-line reason. */
    @Test
    void pagingGuestOnKvm() {
        TestGuest g = pagingGuest();
        if (KvmAvailability.NO_PAGING.equals(kvm.detail())) {
            TestRun r = run(KvmTestSupport.BACKEND, g);
            assertEquals(TestExit.ERROR, r.exit());
            assertEquals("this host's KVM cannot run 32-bit paged guests (the guest turned on paging)", r.error());
        } else {
            assertEquals("P", differential(g).console());
        }
    }

    static TestGuest pagingGuest() {
        return TestGuest.protectedMode(code(
                0xB8, 0x83, 0, 0, 0, 0xA3, 0x00, 0x00, 0x10, 0x00, // mov eax,0x83; mov [0x100000],eax (4 MiB page)
                0x0F, 0x20, 0xE0, 0x83, 0xC8, 0x10, 0x0F, 0x22, 0xE0, // cr4 |= PSE
                0xB8, 0x00, 0x00, 0x10, 0x00, 0x0F, 0x22, 0xD8, // cr3 = 0x100000
                0x0F, 0x20, 0xC0, 0x0D, 0, 0, 0, 0x80, 0x0F, 0x22, 0xC0, // cr0 |= PG
                0xB0, 'P', 0xE6, 0xE9, 0xFA, 0xF4));
    }
}
