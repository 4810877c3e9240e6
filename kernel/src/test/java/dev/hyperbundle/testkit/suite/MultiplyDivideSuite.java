package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.STATUS;

import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * MUL, IMUL (one, two and three operands), DIV, IDIV (SDM Vol. 2A/2B). After a multiply only CF and OF
 * are defined (set when the high half is significant); SF ZF AF PF are undefined, and all six are
 * undefined after a divide, so divide tests compare values only. A quotient that does not fit and a zero
 * divisor raise #DE (vector 0), a fault: the pushed EIP is the divide's, and no register has changed.
 */
public abstract class MultiplyDivideSuite extends BackendSuite {
    static final int CF_OF = CF | OF;

    @Test
    void mulDwordIntoEdxEax() {
        TestRun r = op("F7 E3", 0, EAX, 0x80000000, EBX, 4, EDX, -1); // mul ebx
        assertRegs(r, EAX, 0, EDX, 2, EBX, 4);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void mulDwordWithoutHighHalfClearsCarryAndOverflow() {
        TestRun r = op("F7 E3", STATUS, EAX, 0x10000, EBX, 0xffff, EDX, -1); // mul ebx
        assertRegs(r, EAX, 0xffff0000, EDX, 0);
        assertFlags(r, 0, CF_OF);
    }

    @Test
    void mulByteIntoAx() {
        TestRun r = op("F6 E3", 0, EAX, 0x12345680, EBX, 0x02, EDX, 0x77777777); // mul bl
        assertRegs(r, EAX, 0x12340100, EDX, 0x77777777);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void mulWordIntoDxAx() {
        TestRun r = op("66 F7 E3", 0, EAX, 0xaaaaffff, EBX, 0xffff, EDX, 0xbbbb0000); // mul bx
        assertRegs(r, EAX, 0xaaaa0001, EDX, 0xbbbbfffe);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void mulMemory() {
        TestRun r = exec(pm(setup(0, EAX, 0x01000000).x("F7 25 00 00 03 00")).load(DATA, dwords(0x300))); // mul dword [0x30000]
        assertRegs(r, EAX, 0, EDX, 3);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void imulOneOperandNegativeFitsInEax() {
        TestRun r = op("F7 EB", CF | OF, EAX, -2, EBX, 3); // imul ebx
        assertRegs(r, EAX, -6, EDX, -1);
        assertFlags(r, 0, CF_OF); // EDX is only the sign extension of EAX
    }

    @Test
    void imulOneOperandOverflowsIntoEdx() {
        TestRun r = op("F7 EB", 0, EAX, 0x40000000, EBX, 2, EDX, -1); // imul ebx
        assertRegs(r, EAX, 0x80000000, EDX, 0);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void imulByteMostNegativeTimesMinusOne() {
        TestRun r = op("F6 EB", 0, EAX, 0x80, EBX, 0xff); // imul bl: -128 * -1 = 128 does not fit AL
        assertRegs(r, EAX, 0x0080);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void imulTwoOperandsTruncates() {
        TestRun r = op("0F AF C3", 0, EAX, 0x10000, EBX, 0x10000, EDX, 0x5555); // imul eax, ebx
        assertRegs(r, EAX, 0, EDX, 0x5555);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void imulTwoOperandsFits() {
        TestRun r = op("0F AF C3", CF | OF, EAX, -7, EBX, 6); // imul eax, ebx
        assertRegs(r, EAX, -42);
        assertFlags(r, 0, CF_OF);
    }

    @Test
    void imulTwoOperandsWord() {
        TestRun r = op("66 0F AF C3", 0, EAX, 0x12340100, EBX, 0x0100); // imul ax, bx
        assertRegs(r, EAX, 0x12340000);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void imulThreeOperandsImmediate32Overflow() {
        TestRun r = op("69 C3 10 00 00 00", 0, EBX, 0x12345678); // imul eax, ebx, 0x10
        assertRegs(r, EAX, 0x23456780, EBX, 0x12345678);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void imulThreeOperandsMostNegativeTimesMinusOne() {
        TestRun r = op("6B C3 FF", 0, EBX, 0x80000000); // imul eax, ebx, -1
        assertRegs(r, EAX, 0x80000000);
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void imulThreeOperandsNegativeImmediateFits() {
        TestRun r = op("6B C3 FE", CF | OF, EBX, 5); // imul eax, ebx, -2
        assertRegs(r, EAX, -10);
        assertFlags(r, 0, CF_OF);
    }

    @Test
    void imulThreeOperandsMemory() {
        TestRun r = exec(pm(setup(0).x("6B 05 00 00 03 00 03")).load(DATA, dwords(-5))); // imul eax, [0x30000], 3
        assertRegs(r, EAX, -15);
        assertFlags(r, 0, CF_OF);
    }

    @Test
    void imulThreeOperandsWordMemory() {
        TestRun r = exec(pm(setup(0, ECX, 0xcccc0000).x("66 69 0D 00 00 03 00 00 10")) // imul cx, word [0x30000], 0x1000
                .load(DATA, dwords(0x0010)));
        assertRegs(r, ECX, 0xcccc0000); // 0x10000 truncated
        assertFlags(r, CF | OF, CF_OF);
    }

    @Test
    void divDword() {
        TestRun r = op("F7 F1", 0, EDX, 1, EAX, 5, ECX, 0x10); // div ecx
        assertRegs(r, EAX, 0x10000000, EDX, 5, ECX, 0x10);
    }

    @Test
    void divByte() {
        TestRun r = op("F6 F3", 0, EAX, 0xabcd0105, EBX, 10, EDX, 0x1111); // div bl: 261 / 10
        assertRegs(r, EAX, 0xabcd011a, EDX, 0x1111);
    }

    @Test
    void divWord() {
        TestRun r = op("66 F7 F1", 0, EDX, 0x77770001, EAX, 0x88880000, ECX, 3); // div cx: 0x10000 / 3
        assertRegs(r, EAX, 0x88885555, EDX, 0x77770001);
    }

    @Test
    void divMemory() {
        TestRun r = exec(pm(setup(0, EDX, 0, EAX, 1000).x("F7 35 00 00 03 00")).load(DATA, dwords(7))); // div dword [0x30000]
        assertRegs(r, EAX, 142, EDX, 6);
    }

    @Test
    void divByZeroRaisesDivideError() {
        Asm a = setup(0, EDX, 0x11, EAX, 0x22, ECX, 0);
        int at = a.here();
        TestRun r = exec(recording(a.x("F7 F1").exit(1))); // div ecx
        assertException(r, 0, at);
        assertRegs(r, EAX, 0x22, EDX, 0x11);
    }

    @Test
    void divQuotientTooLargeRaisesDivideError() {
        Asm a = setup(0, EDX, 1, EAX, 0, ECX, 1);
        int at = a.here();
        TestRun r = exec(recording(a.x("F7 F1").exit(1))); // div ecx: 2^32 does not fit
        assertException(r, 0, at);
        assertRegs(r, EAX, 0, EDX, 1);
    }

    @Test
    void divByteQuotientTooLargeRaisesDivideError() {
        Asm a = setup(0, EAX, 0x0100, EBX, 1);
        int at = a.here();
        TestRun r = exec(recording(a.x("F6 F3").exit(1))); // div bl: 256 does not fit AL
        assertException(r, 0, at);
        assertRegs(r, EAX, 0x0100);
    }

    @Test
    void idivTruncatesTowardsZero() {
        TestRun r = op("F7 F9", 0, EDX, -1, EAX, -7, ECX, 2); // idiv ecx: -7 / 2
        assertRegs(r, EAX, -3, EDX, -1); // the remainder has the dividend's sign
    }

    @Test
    void idivByNegativeDivisor() {
        TestRun r = op("F7 F9", 0, EDX, 0, EAX, 7, ECX, -2); // idiv ecx: 7 / -2
        assertRegs(r, EAX, -3, EDX, 1);
    }

    @Test
    void idivWord() {
        TestRun r = op("66 F7 F9", 0, EDX, 0x1234ffff, EAX, 0x5678fff9, ECX, 2); // idiv cx: -7 / 2
        assertRegs(r, EAX, 0x5678fffd, EDX, 0x1234ffff);
    }

    @Test
    void idivByteQuotientMinus128Fits() {
        TestRun r = op("F6 FB", 0, EAX, 0xff00, EBX, 2); // idiv bl: -256 / 2 = -128
        assertRegs(r, EAX, 0x0080);
    }

    @Test
    void idivByteQuotientPlus128RaisesDivideError() {
        Asm a = setup(0, EAX, 0x0080, EBX, 1);
        int at = a.here();
        TestRun r = exec(recording(a.x("F6 FB").exit(1))); // idiv bl: 128 / 1 does not fit
        assertException(r, 0, at);
        assertRegs(r, EAX, 0x0080);
    }

    @Test
    void idivMostNegativeByMinusOneRaisesDivideError() {
        Asm a = setup(0, EDX, -1, EAX, 0x80000000, ECX, -1);
        int at = a.here();
        TestRun r = exec(recording(a.x("F7 F9").exit(1))); // idiv ecx: 2^31 does not fit
        assertException(r, 0, at);
        assertRegs(r, EAX, 0x80000000, EDX, -1);
    }
}
