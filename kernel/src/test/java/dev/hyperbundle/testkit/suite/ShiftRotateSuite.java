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
 * SHL, SHR, SAR, ROL, ROR, RCL, RCR, SHLD, SHRD with counts 0, 1 and more (SDM Vol. 2B, SAL/SAR/SHL/SHR,
 * RCL/RCR/ROL/ROR, SHLD, SHRD). The count is masked to 5 bits; a masked count of 0 changes no flag. OF is
 * defined only for 1-bit shifts and rotates, AF is undefined after any shift with a nonzero count, and
 * SHL/SHR leave CF undefined when the count reaches the operand size: the tests mask exactly those.
 * Rotates change only CF and OF, so the other status flags must come out as they went in.
 */
public abstract class ShiftRotateSuite extends BackendSuite {
    /** After a shift by more than one: everything but OF and AF. */
    static final int SHIFTED = STATUS & ~(OF | AF);
    /** After a 1-bit shift: everything but AF. */
    static final int SHIFTED_ONCE = STATUS & ~AF;

    @Test
    void shlByOneOverflowIsTheSignChange() {
        TestRun r = op("D1 E0", CF | ZF, EAX, 0x40000000); // shl eax, 1
        assertRegs(r, EAX, 0x80000000);
        assertFlags(r, OF | SF | PF, SHIFTED_ONCE); // OF = MSB(result) XOR CF = 1 XOR 0
    }

    @Test
    void shlByOneCarriesOutTheTopBit() {
        TestRun r = op("D1 E0", ZF, EAX, 0x80000001); // shl eax, 1
        assertRegs(r, EAX, 2);
        assertFlags(r, CF | OF, SHIFTED_ONCE); // OF = 0 XOR 1
    }

    @Test
    void shlByClCarriesTheLastBitOut() {
        TestRun r = op("D3 E0", ZF, EAX, 0x10000081, ECX, 4); // shl eax, cl
        assertRegs(r, EAX, 0x00000810, ECX, 4);
        assertFlags(r, CF, SHIFTED); // bit 28 was the last one out; 0x10 has one bit: PF clear
    }

    @Test
    void shlCountIsMaskedTo5BitsSo32ChangesNothing() {
        TestRun r = op("D3 E0", STATUS, EAX, 0x12345678, ECX, 32); // shl eax, cl
        assertRegs(r, EAX, 0x12345678);
        assertStatus(r, STATUS);
    }

    @Test
    void shlImmediateZeroChangesNoFlag() {
        TestRun r = op("C1 E0 00", CF | OF | AF, EAX, 0x80000000); // shl eax, 0
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, CF | OF | AF);
    }

    @Test
    void shlByteCountAboveTheSizeClearsIt() {
        // masked count 9 > 8: result 0; CF is undefined here (SDM SHL, "Flags Affected")
        TestRun r = op("C0 E0 09", SF, EAX, 0x12345601); // shl al, 9
        assertRegs(r, EAX, 0x12345600);
        assertFlags(r, ZF | PF, SHIFTED & ~CF);
    }

    @Test
    void shlWordMemoryByOne() {
        TestRun r = exec(pm(setup(0).x("66 D1 25 00 00 03 00")).load(DATA, dwords(0x1234c001))); // shl word [0x30000], 1
        assertMem32(r, DATA, 0x12348002);
        assertFlags(r, CF | SF, SHIFTED_ONCE); // OF = 1 XOR 1 = 0
    }

    @Test
    void shrByOneOverflowIsTheOriginalSign() {
        TestRun r = op("D1 E8", SF, EAX, 0x80000001); // shr eax, 1
        assertRegs(r, EAX, 0x40000000);
        assertFlags(r, CF | OF | PF, SHIFTED_ONCE);
    }

    @Test
    void shrByCl() {
        TestRun r = op("D3 E8", CF | SF, EAX, 0xf0000000, ECX, 28); // shr eax, cl
        assertRegs(r, EAX, 0xf);
        assertFlags(r, PF, SHIFTED); // bit 27 (0) was the last one out
    }

    @Test
    void shrWordKeepsTheUpperHalf() {
        TestRun r = op("66 D1 E8", 0, EAX, 0xaaaa8001); // shr ax, 1
        assertRegs(r, EAX, 0xaaaa4000);
        assertFlags(r, CF | OF | PF, SHIFTED_ONCE);
    }

    @Test
    void sarFillsWithTheSign() {
        TestRun r = op("C1 F8 1F", CF | ZF, EAX, 0x80000000); // sar eax, 31
        assertRegs(r, EAX, 0xffffffff);
        assertFlags(r, SF | PF, SHIFTED); // bit 30 (0) was the last one out
    }

    @Test
    void sarByOneClearsOverflow() {
        TestRun r = op("D1 F8", OF, EAX, 0xffffffff); // sar eax, 1
        assertRegs(r, EAX, 0xffffffff);
        assertFlags(r, CF | SF | PF, SHIFTED_ONCE);
    }

    @Test
    void sarByteByMoreThanItsSizeKeepsShiftingTheSign() {
        // SAR's CF is the last bit shifted out at every count (SDM SAR pseudocode): the sign here
        TestRun r = op("D2 F8", 0, EAX, 0x80, ECX, 10); // sar al, cl
        assertRegs(r, EAX, 0xff);
        assertFlags(r, CF | SF | PF, SHIFTED);
    }

    @Test
    void rolByOne() {
        TestRun r = op("D1 C0", ZF | PF, EAX, 0x80000000); // rol eax, 1
        assertRegs(r, EAX, 1);
        assertStatus(r, CF | OF | ZF | PF); // OF = MSB(result) XOR CF = 0 XOR 1; ZF and PF untouched
    }

    @Test
    void rolByClKeepsTheOtherFlags() {
        TestRun r = op("D3 C0", SF | AF | CF, EAX, 0x12345678, ECX, 8); // rol eax, cl
        assertRegs(r, EAX, 0x34567812);
        assertFlags(r, SF | AF, STATUS & ~OF); // CF = LSB(result) = 0
    }

    @Test
    void rolByteByEightSetsCarryFromTheUnchangedValue() {
        // the value rotates by 8 mod 8 = 0, but the masked count is not 0: CF := LSB(DEST) (SDM ROL pseudocode)
        TestRun r = op("C0 C0 08", 0, EAX, 0x81); // rol al, 8
        assertRegs(r, EAX, 0x81);
        assertFlags(r, CF, STATUS & ~OF);
    }

    @Test
    void rorByOne() {
        TestRun r = op("D1 C8", 0, EAX, 1); // ror eax, 1
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, CF | OF); // CF = MSB(result); OF = the two top bits of the result differ
    }

    @Test
    void rorWordByClKeepsTheUpperHalf() {
        TestRun r = op("66 D3 C8", CF | ZF, EAX, 0xffff1234, ECX, 4); // ror ax, cl
        assertRegs(r, EAX, 0xffff4123);
        assertFlags(r, ZF, STATUS & ~OF); // CF = MSB(result) = 0
    }

    @Test
    void rorByteMemoryByCl() {
        TestRun r = exec(pm(setup(0, ECX, 3).x("D2 0D 00 00 03 00")).load(DATA, bytes(0x0e, 0x77))); // ror byte [0x30000], cl
        assertMem8(r, DATA, 0xc1);
        assertMem8(r, DATA + 1, 0x77);
        assertFlags(r, CF, STATUS & ~OF);
    }

    @Test
    void rclByOneShiftsTheTopBitIntoCarry() {
        TestRun r = op("D1 D0", PF, EAX, 0x80000000); // rcl eax, 1
        assertRegs(r, EAX, 0);
        assertStatus(r, CF | OF | PF); // OF = MSB(result) XOR CF = 0 XOR 1; ZF not touched by rotates
    }

    @Test
    void rclByOneShiftsCarryIn() {
        TestRun r = op("D1 D0", CF, EAX, 0); // rcl eax, 1
        assertRegs(r, EAX, 1);
        assertStatus(r, 0);
    }

    @Test
    void rclByClIsA33BitRotate() {
        TestRun r = op("D3 D0", CF, EAX, 0x12345678, ECX, 4); // rcl eax, cl
        assertRegs(r, EAX, 0x23456788); // CF went in at bit 3
        assertFlags(r, CF, STATUS & ~OF); // bit 28 came out
    }

    @Test
    void rclByteByNineIsTheIdentity() {
        // 8-bit RCL rotates by (count & 0x1F) mod 9 = 0: value and CF stay (SDM RCL pseudocode)
        TestRun r = op("C0 D0 09", CF, EAX, 0x5a); // rcl al, 9
        assertRegs(r, EAX, 0x5a);
        assertFlags(r, CF, STATUS & ~OF);
    }

    @Test
    void rclByteByEightIsOneRightThroughCarry() {
        TestRun r = op("C0 D0 08", 0, EAX, 0x01); // rcl al, 8
        assertRegs(r, EAX, 0);
        assertFlags(r, CF, STATUS & ~OF);
    }

    @Test
    void rclWordBySixteenIsOneRightThroughCarry() {
        TestRun r = op("66 C1 D0 10", 0, EAX, 0x12340001); // rcl ax, 16 (a 17-bit rotate)
        assertRegs(r, EAX, 0x12340000);
        assertFlags(r, CF, STATUS & ~OF);
    }

    @Test
    void rcrByOne() {
        TestRun r = op("D1 D8", CF, EAX, 1); // rcr eax, 1
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, CF | OF); // OF = MSB(DEST) XOR CF before the rotate = 0 XOR 1
    }

    @Test
    void rcrByOneOfANegativeDword() {
        TestRun r = op("D1 D8", ZF, EAX, 0x80000000); // rcr eax, 1
        assertRegs(r, EAX, 0x40000000);
        assertStatus(r, OF | ZF); // OF = MSB(DEST) XOR CF = 1 XOR 0; bit 0 (0) went to CF
    }

    @Test
    void rcrByteByOneWithoutCarry() {
        TestRun r = op("D0 D8", SF, EAX, 0x81); // rcr al, 1
        assertRegs(r, EAX, 0x40);
        assertStatus(r, CF | OF | SF); // OF = 1 XOR 0
    }

    @Test
    void rcrByClIsA33BitRotate() {
        TestRun r = op("D3 D8", CF, EAX, 0x12345678, ECX, 8); // rcr eax, cl
        assertRegs(r, EAX, 0xf1123456); // CF went in at bit 24
        assertFlags(r, 0, STATUS & ~OF); // bit 7 (0) came out
    }

    @Test
    void rcrMaskedCountZeroChangesNothing() {
        TestRun r = op("D3 D8", CF | OF | ZF, EAX, 0x12345678, ECX, 0x60); // rcr eax, cl (0x60 & 0x1F = 0)
        assertRegs(r, EAX, 0x12345678);
        assertStatus(r, CF | OF | ZF);
    }

    @Test
    void shldByCl() {
        TestRun r = op("0F A5 D8", CF | ZF, EAX, 0x12345678, EBX, 0x9abcdef0, ECX, 8); // shld eax, ebx, cl
        assertRegs(r, EAX, 0x3456789a, EBX, 0x9abcdef0);
        assertFlags(r, PF, SHIFTED); // bit 24 (0) was the last one out
    }

    @Test
    void shldByOneOverflowIsTheSignChange() {
        TestRun r = op("0F A4 D8 01", ZF, EAX, 0x40000000, EBX, 0x80000000); // shld eax, ebx, 1
        assertRegs(r, EAX, 0x80000001);
        assertFlags(r, OF | SF, SHIFTED_ONCE);
    }

    @Test
    void shldCountZeroChangesNothing() {
        TestRun r = op("0F A5 D8", STATUS, EAX, 0x12345678, EBX, -1, ECX, 32); // shld eax, ebx, cl (32 & 0x1F = 0)
        assertRegs(r, EAX, 0x12345678);
        assertStatus(r, STATUS);
    }

    @Test
    void shldWord() {
        TestRun r = op("66 0F A4 D8 04", 0, EAX, 0xffff1234, EBX, 0x5678); // shld ax, bx, 4
        assertRegs(r, EAX, 0xffff2345);
        assertFlags(r, CF, SHIFTED); // bit 12 came out; 0x45 has three bits: PF clear
    }

    @Test
    void shrdByCl() {
        TestRun r = op("0F AD D8", CF, EAX, 0x12345678, EBX, 0x9abcdef0, ECX, 8); // shrd eax, ebx, cl
        assertRegs(r, EAX, 0xf0123456);
        assertFlags(r, SF | PF, SHIFTED); // bit 7 (0) was the last one out
    }

    @Test
    void shrdByOne() {
        TestRun r = op("0F AC D8 01", 0, EAX, 1, EBX, 1); // shrd eax, ebx, 1
        assertRegs(r, EAX, 0x80000000);
        assertFlags(r, CF | OF | SF | PF, SHIFTED_ONCE);
    }

    @Test
    void shrdMemory() {
        TestRun r = exec(pm(setup(0, EAX, 0xabcdef01).x("0F AC 05 00 00 03 00 04")).load(DATA, dwords(0x12345678))); // shrd [0x30000], eax, 4
        assertMem32(r, DATA, 0x11234567);
        assertFlags(r, CF, SHIFTED); // bit 3 of 0x...78 came out; 0x67 has five bits: PF clear
    }
}
