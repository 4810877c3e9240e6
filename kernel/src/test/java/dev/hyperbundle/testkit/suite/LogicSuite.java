package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Eflags.AF;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.PF;
import static dev.hyperbundle.testkit.suite.Eflags.SF;
import static dev.hyperbundle.testkit.suite.Eflags.STATUS;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;

import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * AND, OR, XOR, TEST: CF and OF cleared, SF ZF PF from the result, AF undefined (SDM Vol. 2A AND, "Flags
 * Affected"), so AF is the one flag these tests do not compare.
 */
public abstract class LogicSuite extends BackendSuite {
    /** Every status flag but the undefined AF. */
    static final int DEFINED = STATUS & ~AF;

    @Test
    void andClearsCarryAndOverflow() {
        TestRun r = op("21 D8", CF | OF | ZF, EAX, 0xf0f0f0f0, EBX, 0x0ff00ff0); // and eax, ebx
        assertRegs(r, EAX, 0x00f000f0, EBX, 0x0ff00ff0);
        assertFlags(r, PF, DEFINED);
    }

    @Test
    void andToZero() {
        TestRun r = op("25 55 55 55 55", SF, EAX, 0xaaaaaaaa); // and eax, 0x55555555
        assertRegs(r, EAX, 0);
        assertFlags(r, ZF | PF, DEFINED);
    }

    @Test
    void andHighByte() {
        TestRun r = op("80 E4 C0", ZF | PF, EAX, 0x1234_8177); // and ah, 0xc0
        assertRegs(r, EAX, 0x1234_8077);
        assertFlags(r, SF, DEFINED);
    }

    @Test
    void andWordMemory() {
        TestRun r = exec(pm(setup(CF, EAX, 0xffff0ff0).x("66 21 05 00 00 03 00")) // and word [0x30000], ax
                .load(DATA, dwords(0x12348421)));
        assertMem32(r, DATA, 0x12340420);
        assertFlags(r, 0, DEFINED); // 0x20: one bit, PF clear
    }

    @Test
    void orSetsSign() {
        TestRun r = op("0D 00 00 00 80", ZF | CF, EAX, 0); // or eax, 0x80000000
        assertRegs(r, EAX, 0x80000000);
        assertFlags(r, SF | PF, DEFINED);
    }

    @Test
    void orMemory() {
        TestRun r = exec(pm(setup(OF, EBX, 0xf0).x("09 1D 00 00 03 00")).load(DATA, dwords(0x0f))); // or [0x30000], ebx
        assertMem32(r, DATA, 0xff);
        assertFlags(r, PF, DEFINED);
    }

    @Test
    void orRegisterWithItselfSetsFlagsOnly() {
        TestRun r = op("08 F6", CF | OF, EDX, 0x00008000); // or dh, dh
        assertRegs(r, EDX, 0x8000);
        assertFlags(r, SF, DEFINED);
    }

    @Test
    void xorWithItselfZeroes() {
        TestRun r = op("31 C0", CF | OF | SF, EAX, 0x12345678); // xor eax, eax
        assertRegs(r, EAX, 0);
        assertFlags(r, ZF | PF, DEFINED);
    }

    @Test
    void xorWordSignExtendedImmediate() {
        TestRun r = op("66 83 F0 FF", ZF, EAX, 0xffff1234); // xor ax, -1
        assertRegs(r, EAX, 0xffffedcb);
        assertFlags(r, SF, DEFINED); // 0xCB: five bits, PF clear
    }

    @Test
    void xorByteMemory() {
        TestRun r = exec(pm(setup(0).x("80 35 00 00 03 00 FF")).load(DATA, bytes(0xff, 0x5a))); // xor byte [0x30000], 0xff
        assertMem8(r, DATA, 0);
        assertMem8(r, DATA + 1, 0x5a);
        assertFlags(r, ZF | PF, DEFINED);
    }

    @Test
    void testDoesNotWrite() {
        TestRun r = op("A9 00 00 00 80", CF | OF | ZF, EAX, 0x80000001); // test eax, 0x80000000
        assertRegs(r, EAX, 0x80000001);
        assertFlags(r, SF | PF, DEFINED);
    }

    @Test
    void testByteMemoryNoCommonBits() {
        TestRun r = exec(pm(setup(SF).x("F6 05 00 00 03 00 02")).load(DATA, bytes(0x01))); // test byte [0x30000], 2
        assertMem8(r, DATA, 1);
        assertFlags(r, ZF | PF, DEFINED);
    }

    @Test
    void testRegisters() {
        TestRun r = op("85 D1", ZF, ECX, 0x0f, EDX, 0x03); // test ecx, edx
        assertRegs(r, ECX, 0x0f, EDX, 0x03);
        assertFlags(r, PF, DEFINED);
    }
}
