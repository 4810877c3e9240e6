package dev.hyperbundle.testkit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * The kit's smoke test: a handful of machine-code programs with exact expected results across the
 * instruction groups, the console and exit ports, real mode. The topic suites beside it go instruction
 * by instruction.
 */
public abstract class CpuBackendSuite extends BackendSuite {
    protected TestRun runPm(Asm a) {
        return run(TestGuest.protectedMode(a.bytes()));
    }

    @Test
    void addSetsOverflowSignAuxParity() {
        TestRun r = runPm(new Asm().mov(Asm.EAX, 0x7fffffff).b(0x83, 0xC0, 0x01) // add eax, 1
                .b(0x9C, 0x5B) // pushfd; pop ebx
                .hlt());
        assertEquals(TestExit.HALTED, r.exit(), r.toString());
        assertHex(0x80000000, r.state().gpr[0]);
        assertHex(0x896, r.state().gpr[3] & 0x8d7); // OF SF AF PF, bit 1 fixed
    }

    @Test
    void subBorrowAndCompareFlags() {
        TestRun r = runPm(new Asm().mov(Asm.EAX, 1).b(0x2D).d(2) // sub eax, 2
                .b(0x9C, 0x5B).hlt());
        assertHex(0xffffffff, r.state().gpr[0]);
        assertHex(0x97, r.state().gpr[3] & 0x8d7); // CF PF AF SF
    }

    @Test
    void consoleAndExitPorts() {
        TestRun r = runPm(new Asm().b(0xB0, 'h', 0xE6, 0xE9, 0xB0, 'i', 0xE6, 0xE9).exit(42));
        assertEquals(TestExit.DONE, r.exit(), r.toString());
        assertEquals(42, r.exitCode());
        assertEquals("hi", r.console());
    }

    @Test
    void divideByZeroWithoutIdtIsTripleFault() {
        TestRun r = runPm(new Asm().b(0x31, 0xC9, 0xF7, 0xF1).hlt()); // xor ecx,ecx; div ecx
        assertEquals(TestExit.SHUTDOWN, r.exit(), r.toString());
    }

    @Test
    void repMovsbCopiesForward() {
        Asm a = new Asm().mov(Asm.ESI, 0x20000).mov(Asm.EDI, 0x21000).mov(Asm.ECX, 5)
                .b(0xFC, 0xF3, 0xA4).hlt();
        TestRun r = run(TestGuest.protectedMode(a.bytes()).load(0x20000, new byte[] {1, 2, 3, 4, 5, 6}));
        assertEquals(TestExit.HALTED, r.exit(), r.toString());
        assertHex(0x04030201, r.read32(0x21000));
        assertHex(0x05, r.read8(0x21004));
        assertHex(0, r.read8(0x21005));
        assertHex(0x20005, r.state().gpr[Asm.ESI]);
        assertHex(0, r.state().gpr[Asm.ECX]);
    }

    @Test
    void shiftCountIsMaskedTo5Bits() {
        TestRun r = runPm(new Asm().mov(Asm.EAX, 0x81).mov(Asm.ECX, 33).b(0xD3, 0xE0) // shl eax, cl (33 -> 1)
                .b(0x9C, 0x5B).hlt());
        assertHex(0x102, r.state().gpr[0]);
        assertHex(0, r.state().gpr[3] & 1);
    }

    @Test
    void mul32AndIdiv() {
        TestRun r = runPm(new Asm().mov(Asm.EAX, 0x10000).mov(Asm.ECX, 0x10001).b(0xF7, 0xE1) // mul ecx
                .store(0x30000, Asm.EAX).store(0x30004, Asm.EDX)
                .mov(Asm.EAX, -7).b(0x99).mov(Asm.ECX, 2).b(0xF7, 0xF9) // cdq; idiv ecx
                .hlt());
        assertHex(0x10000, r.read32(0x30000));
        assertHex(0x1, r.read32(0x30004));
        assertHex(-3, r.state().gpr[0]);
        assertHex(-1, r.state().gpr[2]);
    }

    @Test
    void cmpxchg8bSwapsOnEqual() {
        TestRun r = run(TestGuest.protectedMode(new Asm().mov(Asm.EAX, 0x11111111).mov(Asm.EDX, 0x22222222)
                .mov(Asm.EBX, 0x33333333).mov(Asm.ECX, 0x44444444).mov(Asm.ESI, 0x30000)
                .b(0x0F, 0xC7, 0x0E).hlt().bytes()) // cmpxchg8b [esi]
                .load(0x30000, new byte[] {0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22}));
        assertHex(0x33333333, r.read32(0x30000));
        assertHex(0x44444444, r.read32(0x30004));
        assertHex(0x40, r.state().eflags & 0x40);
    }

    @Test
    void cpuidReturnsVendor() {
        TestRun r = runPm(new Asm().mov(Asm.EAX, 0).b(0x0F, 0xA2).hlt());
        assertHex(0x756e6547, r.state().gpr[3]); // "Genu"
        assertHex(0x49656e69, r.state().gpr[2]); // "ineI"
        assertHex(0x6c65746e, r.state().gpr[1]); // "ntel"
    }

    @Test
    void realModeStackAndSegments() {
        // mov ax, 0x1234; push ax; pop bx; mov cx, 0x2000; mov ds, cx; mov [0x10], bx; hlt
        byte[] code = {(byte) 0xB8, 0x34, 0x12, 0x50, 0x5B, (byte) 0xB9, 0x00, 0x20, (byte) 0x8E, (byte) 0xD9,
                (byte) 0x89, 0x1E, 0x10, 0x00, (byte) 0xF4};
        TestRun r = run(TestGuest.realMode(code));
        assertEquals(TestExit.HALTED, r.exit(), r.toString());
        assertHex(0x1234, r.read32(0x20010) & 0xffff);
        assertHex(0x1234, r.state().gpr[3] & 0xffff);
    }
}
