package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
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
 * ADD, ADC, SUB, SBB, CMP, INC, DEC, NEG, NOT in 8, 16 and 32 bits, register and memory forms. All six
 * status flags are defined for these (SDM Vol. 2A/2B, each instruction's "Flags Affected"), so every test
 * compares all of them; the flags going in are mostly the opposite of the expected ones.
 */
public abstract class ArithmeticSuite extends BackendSuite {
    @Test
    void addCarriesOutToZero() {
        TestRun r = op("01 D8", OF | SF, EAX, 0xffffffff, EBX, 1); // add eax, ebx
        assertRegs(r, EAX, 0, EBX, 1);
        assertStatus(r, CF | PF | AF | ZF);
    }

    @Test
    void addSignedOverflow() {
        TestRun r = op("01 D8", CF | ZF, EAX, 0x7fffffff, EBX, 1); // add eax, ebx
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, OF | SF | AF | PF);
    }

    @Test
    void addByteKeepsTheUpperBits() {
        TestRun r = op("04 80", SF | AF, EAX, 0x12345680); // add al, 0x80
        assertRegs(r, EAX, 0x12345600);
        assertStatus(r, CF | PF | ZF | OF);
    }

    @Test
    void addWordKeepsTheUpperHalf() {
        TestRun r = op("66 01 D8", CF, EAX, 0xabcd7fff, EBX, 0xffff0001); // add ax, bx
        assertRegs(r, EAX, 0xabcd8000);
        assertStatus(r, OF | SF | AF | PF);
    }

    @Test
    void addHighByteRegisters() {
        TestRun r = op("00 FC", STATUS & ~AF, EAX, 0x12340f78, EBX, 0x0100); // add ah, bh
        assertRegs(r, EAX, 0x12341078);
        assertStatus(r, AF); // 0x10 has one bit set: PF clear
    }

    @Test
    void addToMemory() {
        TestRun r = exec(pm(setup(CF | ZF, EAX, 0xfffffffe).x("01 05 00 00 03 00")) // add [0x30000], eax
                .load(DATA, dwords(1, 0x11111111)));
        assertMem32(r, DATA, 0xffffffff);
        assertMem32(r, DATA + 4, 0x11111111);
        assertRegs(r, EAX, 0xfffffffe);
        assertStatus(r, SF | PF);
    }

    @Test
    void adcAddsTheCarry() {
        TestRun r = op("11 D8", CF, EAX, 0xffffffff, EBX, 0); // adc eax, ebx
        assertRegs(r, EAX, 0);
        assertStatus(r, CF | PF | AF | ZF);
    }

    @Test
    void adcCarryInOverflows() {
        TestRun r = op("11 D8", CF, EAX, 0x7fffffff, EBX, 0); // adc eax, ebx
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, OF | SF | AF | PF);
    }

    @Test
    void adcWithoutCarryIsAdd() {
        TestRun r = op("11 D8", 0, EAX, 0x7fffffff, EBX, 0); // adc eax, ebx
        assertRegs(r, EAX, 0x7fffffff);
        assertStatus(r, PF);
    }

    @Test
    void adcWordWithCarry() {
        TestRun r = op("66 83 D0 00", CF, EAX, 0x1234ffff); // adc ax, 0
        assertRegs(r, EAX, 0x12340000);
        assertStatus(r, CF | PF | AF | ZF);
    }

    @Test
    void adcByteAllOnesPlusCarry() {
        // 0 + 0xFF + 1 = 0x100: carry out, no signed overflow (0 + -1 + 1 = 0)
        TestRun r = op("14 FF", CF | SF, EAX, 0x55555500); // adc al, 0xff
        assertRegs(r, EAX, 0x55555500);
        assertStatus(r, CF | PF | AF | ZF);
    }

    @Test
    void sbbSubtractsTheBorrow() {
        TestRun r = op("19 D8", CF, EAX, 0, EBX, 0); // sbb eax, ebx
        assertRegs(r, EAX, 0xffffffff);
        assertStatus(r, CF | PF | AF | SF);
    }

    @Test
    void sbbBorrowInOverflows() {
        TestRun r = op("19 D8", CF, EAX, 0x80000000, EBX, 0); // sbb eax, ebx
        assertRegs(r, EAX, 0x7fffffff);
        assertStatus(r, OF | AF | PF);
    }

    @Test
    void sbbByteMemory() {
        TestRun r = exec(pm(setup(ZF).x("80 1D 00 00 03 00 01")).load(DATA, bytes(0, 0x22))); // sbb byte [0x30000], 1
        assertMem8(r, DATA, 0xff);
        assertMem8(r, DATA + 1, 0x22);
        assertStatus(r, CF | PF | AF | SF);
    }

    @Test
    void subSignedOverflow() {
        TestRun r = op("83 E8 01", CF | ZF | SF, EAX, 0x80000000); // sub eax, 1
        assertRegs(r, EAX, 0x7fffffff);
        assertStatus(r, OF | AF | PF);
    }

    @Test
    void subWordSignExtendedImmediate() {
        // 5 - 0xFFFF: borrow out (unsigned), 5 - (-1) = 6 (no signed overflow)
        TestRun r = op("66 83 E8 FF", OF | ZF, EAX, 0x12340005); // sub ax, -1
        assertRegs(r, EAX, 0x12340006);
        assertStatus(r, CF | AF | PF);
    }

    @Test
    void subMemoryMostNegativeImmediate() {
        TestRun r = exec(pm(setup(0).x("81 2D 00 00 03 00 00 00 00 80")).load(DATA, dwords(0))); // sub dword [0x30000], 0x80000000
        assertMem32(r, DATA, 0x80000000);
        assertStatus(r, CF | PF | SF | OF);
    }

    @Test
    void cmpBelowKeepsOperands() {
        TestRun r = op("39 D8", ZF | OF, EAX, 3, EBX, 5); // cmp eax, ebx
        assertRegs(r, EAX, 3, EBX, 5);
        assertStatus(r, CF | AF | SF); // 0xFFFFFFFE: seven bits in the low byte, PF clear
    }

    @Test
    void cmpEqual() {
        TestRun r = op("39 D8", CF | SF | OF | AF, EAX, 0x12345678, EBX, 0x12345678); // cmp eax, ebx
        assertRegs(r, EAX, 0x12345678);
        assertStatus(r, ZF | PF);
    }

    @Test
    void cmpImmediateClearsAllFlags() {
        TestRun r = op("3D 78 56 34 12", STATUS, EAX, 0x12345679); // cmp eax, 0x12345678
        assertRegs(r, EAX, 0x12345679);
        assertStatus(r, 0); // result 1: one bit, PF clear
    }

    @Test
    void cmpWordAcrossTheSignBoundary() {
        TestRun r = op("66 3D 00 80", ZF, EAX, 0x00007fff); // cmp ax, 0x8000
        assertRegs(r, EAX, 0x7fff);
        assertStatus(r, CF | PF | SF | OF);
    }

    @Test
    void cmpByteMemory() {
        TestRun r = exec(pm(setup(CF).x("80 3D 00 00 03 00 40")).load(DATA, bytes(0x40))); // cmp byte [0x30000], 0x40
        assertMem8(r, DATA, 0x40);
        assertStatus(r, ZF | PF);
    }

    @Test
    void incKeepsTheCarryFlag() {
        TestRun r = op("40", CF, EAX, 0xffffffff); // inc eax
        assertRegs(r, EAX, 0);
        assertStatus(r, CF | ZF | AF | PF); // SDM: INC does not affect CF
    }

    @Test
    void incSignedOverflow() {
        TestRun r = op("40", 0, EAX, 0x7fffffff); // inc eax
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, OF | SF | AF | PF);
    }

    @Test
    void decKeepsTheCarryFlag() {
        TestRun r = op("48", CF, EAX, 0); // dec eax
        assertRegs(r, EAX, 0xffffffff);
        assertStatus(r, CF | SF | AF | PF);
    }

    @Test
    void decSignedOverflow() {
        TestRun r = op("48", 0, EAX, 0x80000000); // dec eax
        assertRegs(r, EAX, 0x7fffffff);
        assertStatus(r, OF | AF | PF);
    }

    @Test
    void incByteMemoryWraps() {
        TestRun r = exec(pm(setup(SF).x("FE 05 00 00 03 00")).load(DATA, bytes(0xff, 0x11))); // inc byte [0x30000]
        assertMem8(r, DATA, 0);
        assertMem8(r, DATA + 1, 0x11);
        assertStatus(r, ZF | AF | PF);
    }

    @Test
    void incWordWrapsInTheLowHalf() {
        TestRun r = op("66 40", 0, EAX, 0xffffffff); // inc ax
        assertRegs(r, EAX, 0xffff0000);
        assertStatus(r, ZF | AF | PF);
    }

    @Test
    void decWordBorrowsInTheLowHalf() {
        TestRun r = op("66 49", ZF, ECX, 0x00010000); // dec cx
        assertRegs(r, ECX, 0x0001ffff);
        assertStatus(r, SF | AF | PF);
    }

    @Test
    void negZeroClearsCarry() {
        TestRun r = op("F7 D8", CF | SF, EAX, 0); // neg eax
        assertRegs(r, EAX, 0);
        assertStatus(r, ZF | PF);
    }

    @Test
    void negMostNegativeOverflows() {
        TestRun r = op("F7 D8", 0, EAX, 0x80000000); // neg eax
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, CF | OF | SF | PF);
    }

    @Test
    void negOne() {
        TestRun r = op("F7 D8", 0, EAX, 1); // neg eax
        assertRegs(r, EAX, 0xffffffff);
        assertStatus(r, CF | SF | PF | AF);
    }

    @Test
    void negByte() {
        TestRun r = op("F6 D8", 0, EAX, 0x12345601); // neg al
        assertRegs(r, EAX, 0x123456ff);
        assertStatus(r, CF | SF | PF | AF);
    }

    @Test
    void notChangesNoFlags() {
        TestRun r = op("F7 D0", STATUS, EAX, 0x0f0f1234); // not eax
        assertRegs(r, EAX, 0xf0f0edcb);
        assertStatus(r, STATUS);
    }

    @Test
    void notWordMemory() {
        TestRun r = exec(pm(setup(0).x("66 F7 15 00 00 03 00")).load(DATA, dwords(0x12345678))); // not word [0x30000]
        assertMem32(r, DATA, 0x1234a987);
        assertStatus(r, 0);
    }
}
