package dev.hyperbundle.interp.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Exactly rounded FADD/FSUB/FMUL/FDIV/FSQRT and the exact FPREM, FPREM1, FRNDINT, FSCALE, FXTRACT. */
class X87ArithmeticTest {
    static final int RN = 0x037F, RD = 0x077F, RU = 0x0B7F, RZ = 0x0F7F;

    @Test
    void pointOnePlusPointTwo() {
        Fpu f = new Fpu();
        f.fld64(0.1).op64(0, 0.2);
        assertEquals("3ffd:9999999999999c00", f.st(0), "exact in extended");
        assertEquals(0, f.status() & 0x3F);
        assertEquals(0x3FD3333333333334L, f.fstp64(), "the tie rounds to even: 0.30000000000000004");
        assertEquals(Arith.PE | X87.C1, f.status() & (0x3F | X87.C1));
    }

    @Test
    void squareRootOfTwo() {
        Fpu f = new Fpu();
        f.fld64(2.0).reg(0xD9, 0xFA);
        assertEquals("3fff:b504f333f9de6484", f.st(0));
        assertEquals(Arith.PE, f.status() & (0x3F | X87.C1));
        assertEquals(Double.doubleToLongBits(Math.sqrt(2)), f.fstp64());
        f.fldcw(RU).fld64(2.0).reg(0xD9, 0xFA);
        assertEquals("3fff:b504f333f9de6485", f.st(0));
        f.fldcw(RN).fld64(0x1p-1074).reg(0xD9, 0xFA); // sqrt of a tiny value: 2^-537 exactly
        assertEquals("3de6:8000000000000000", f.st(0));
    }

    @Test
    void squareRootExactAndInvalid() {
        Fpu f = new Fpu();
        f.fld64(6.25).reg(0xD9, 0xFA);
        assertEquals("4000:a000000000000000", f.st(0));
        assertEquals(0, f.status() & 0x3F, "exact: no PE");
        f.fld64(-1.0).reg(0xD9, 0xFA);
        assertEquals("ffff:c000000000000000", f.st(0));
        assertEquals(Arith.IE, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(-0.0).reg(0xD9, 0xFA);
        assertEquals("8000:0000000000000000", f.st(0));
        f.fld80(0x7FFE, -1L).reg(0xD9, 0xFA); // largest extended
        assertEquals("5ffe:ffffffffffffffff", f.st(0));
    }

    @Test
    void oneThirdInEachPrecisionAndMode() {
        Fpu f = new Fpu();
        f.fld64(1.0).op64(6, 3.0);
        assertEquals("3ffd:aaaaaaaaaaaaaaab", f.st(0));
        f.fldcw(RZ).fld64(1.0).op64(6, 3.0);
        assertEquals("3ffd:aaaaaaaaaaaaaaaa", f.st(0));
        f.fldcw(0x027F).fld64(1.0).op64(6, 3.0); // PC = 53 bits
        assertEquals("3ffd:aaaaaaaaaaaaa800", f.st(0));
        f.fldcw(0x007F).fld64(1.0).op64(6, 3.0); // PC = 24 bits
        assertEquals("3ffd:aaaaab0000000000", f.st(0));
        f.fldcw(0x047F).fld64(1.0).op64(6, 3.0); // PC 24, round down
        assertEquals("3ffd:aaaaaa0000000000", f.st(0));
        f.fldcw(RN).fld64(2.0).op64(7, 1.0); // FDIVR: 1 / 2
        assertEquals("3ffe:8000000000000000", f.st(0));
    }

    @Test
    void hardMultiplication() {
        Fpu f = new Fpu();
        f.fld80(0x3FFF, -1L).reg(0xD8, 0xC8); // (2 - 2^-63)^2 = 4 - 2^-61 + 2^-126
        assertEquals("4000:fffffffffffffffe", f.st(0));
        assertEquals(Arith.PE, f.status() & (0x3F | X87.C1));
        f.fldcw(RU).fld80(0x3FFF, -1L).reg(0xD8, 0xC8);
        assertEquals("4000:ffffffffffffffff", f.st(0));
        assertEquals(Arith.PE | X87.C1, f.status() & (0x3F | X87.C1));
    }

    @Test
    void cancellationAndSignedZeros() {
        Fpu f = new Fpu();
        f.fld80(0x3FFE, -1L).reg(0xD9, 0xE8).reg(0xD8, 0xE1); // FLD1; FSUB ST0,ST1: 1 - (1 - 2^-64)
        assertEquals("3fbf:8000000000000000", f.st(0));
        assertEquals(0, f.status() & 0x3F);
        f.fld64(1.5).op64(4, 1.5);
        assertEquals("0000:0000000000000000", f.st(0));
        f.fldcw(RD).fld64(1.5).op64(4, 1.5);
        assertEquals("8000:0000000000000000", f.st(0), "x - x = -0 when rounding down");
        f.fldcw(RN).fld64(-0.0).op64(0, -0.0);
        assertEquals("8000:0000000000000000", f.st(0));
    }

    @Test
    void subtractAndReverseForms() {
        Fpu f = new Fpu();
        f.fld64(10.0).fld64(4.0); // ST0 = 4, ST1 = 10
        f.reg(0xD8, 0xE1); // FSUB ST0, ST1: 4 - 10
        assertEquals(Double.doubleToLongBits(-6.0), f.fst64());
        f.reg(0xDC, 0xE9); // FSUB ST1, ST0: ST1 = ST1 - ST0 = 10 - (-6) = 16
        f.reg(0xD9, 0xC9); // FXCH ST1
        assertEquals(Double.doubleToLongBits(16.0), f.fst64());
        f.reg(0xDC, 0xE1); // FSUBR ST1, ST0: ST1 = ST0 - ST1 = 16 - (-6) = 22
        f.reg(0xDE, 0xF9); // FDIVP ST1, ST0: ST1 = ST1 / ST0 = 22 / 16, pop
        assertEquals(Double.doubleToLongBits(1.375), f.fst64());
        f.fld64(11.0).reg(0xDE, 0xF1); // FDIVRP ST1, ST0: ST1 = ST0 / ST1 = 11 / 1.375 = 8
        assertEquals(Double.doubleToLongBits(8.0), f.fstp64());
        assertEquals(0xFFFF, f.tag());
    }

    @Test
    void integerOperands() {
        Fpu f = new Fpu();
        f.fld64(10.0);
        f.bus.write32(0x300, -4);
        f.mem(0xDA, 4, 0x300); // FISUB m32: 10 - (-4)
        f.bus.write16(0x300, 7);
        f.mem(0xDE, 5, 0x300); // FISUBR m16: 7 - 14
        assertEquals(Double.doubleToLongBits(-7.0), f.fstp64());
    }

    @Test
    void zeroDivideAndInvalid() {
        Fpu f = new Fpu();
        f.fld64(-1.0).op64(6, 0.0);
        assertEquals("ffff:8000000000000000", f.st(0));
        assertEquals(Arith.ZE, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(0.0).op64(6, 0.0);
        assertEquals("ffff:c000000000000000", f.st(0));
        assertEquals(Arith.IE, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(Double.POSITIVE_INFINITY).op64(4, Double.POSITIVE_INFINITY);
        assertEquals("ffff:c000000000000000", f.st(0));
        f = new Fpu();
        f.fld64(Double.POSITIVE_INFINITY).op64(1, 0.0);
        assertEquals("ffff:c000000000000000", f.st(0));
    }

    @Test
    void nanPropagation() {
        Fpu f = new Fpu();
        f.fld64(0x7FF8000000000001L).op64(0, 0x7FF8000000000002L); // two QNaNs: larger significand
        assertEquals("7fff:c000000000001000", f.st(0));
        assertEquals(0, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(0xFFF8000000000005L).op64(4, 1.0); // a NaN keeps its sign through FSUB
        assertEquals("ffff:c000000000002800", f.st(0));
        f = new Fpu();
        f.fld64(1.0).fld80(0x7FFF, 0x8000000000000001L).reg(0xD8, 0xC1); // SNaN + 1
        assertEquals("7fff:c000000000000001", f.st(0));
        assertEquals(Arith.IE, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(1.0).fld80(0x4000, 0x4000000000000000L).reg(0xD8, 0xC1); // unnormal: unsupported
        assertEquals("ffff:c000000000000000", f.st(0));
        assertEquals(Arith.IE, f.status() & 0x3F);
    }

    @Test
    void overflowAndUnderflowInRegisters() {
        Fpu f = new Fpu();
        f.fld80(0x7FFE, Long.MIN_VALUE).reg(0xD8, 0xC8);
        assertEquals("7fff:8000000000000000", f.st(0));
        assertEquals(Arith.OE | Arith.PE | X87.C1, f.status() & (0x3F | X87.C1));
        f = new Fpu();
        f.fldcw(0x0377).fld80(0x7FFE, Long.MIN_VALUE).reg(0xD8, 0xC8);
        assertEquals("5ffd:8000000000000000", f.st(0), "unmasked: 2^32766 biased down by 24576");
        assertEquals(Arith.OE | X87.ES | X87.B, f.status() & (0x3F | X87.ES | X87.B));
        f = new Fpu();
        f.fld80(0x0001, Long.MIN_VALUE).op64(6, 2.0);
        assertEquals("0000:4000000000000000", f.st(0), "exact denormal result");
        assertEquals(0, f.status() & 0x3F);
        f.fld80(0x0001, 0xC000000000000001L).op64(6, 4.0);
        assertEquals("0000:3000000000000000", f.st(0));
        assertEquals(Arith.UE | Arith.PE, f.status() & 0x3F);
        f = new Fpu();
        f.fldcw(0x036F).fld80(0x0001, Long.MIN_VALUE).op64(6, 4.0);
        assertEquals("5fff:8000000000000000", f.st(0), "unmasked: 2^-16384 biased up by 24576");
        assertEquals(Arith.UE, f.status() & 0x3F);
    }

    @Test
    void denormalOperands() {
        Fpu f = new Fpu();
        f.fld80(0x0000, 1L).reg(0xD8, 0xC0);
        assertEquals("0000:0000000000000002", f.st(0));
        assertEquals(Arith.DE, f.status() & 0x3F);
        f = new Fpu();
        f.fldcw(0x037D).fld80(0x0000, 1L).reg(0xD8, 0xC0);
        assertEquals("0000:0000000000000001", f.st(0), "unmasked denormal: not performed");
        assertTrue(f.x.errorPending());
    }

    @Test
    void fpremAndFprem1() {
        Fpu f = new Fpu();
        f.fld64(2.5).fld64(7.0).reg(0xD9, 0xF8);
        assertEquals("4000:8000000000000000", f.st(0), "7 rem 2.5 = 2");
        assertEquals(X87.C3, f.status() & X87.CC, "Q = 2: C3 = Q1");
        f = new Fpu();
        f.fld64(2.5).fld64(7.0).reg(0xD9, 0xF5);
        assertEquals("bffe:8000000000000000", f.st(0), "IEEE remainder -0.5");
        assertEquals(X87.C3 | X87.C1, f.status() & X87.CC, "Q = 3");
        f = new Fpu();
        f.fld64(2.5).fld64(-7.0).reg(0xD9, 0xF8);
        assertEquals(Double.doubleToLongBits(-2.0), f.fst64());
    }

    @Test
    void fpremQuotientBits() {
        // 31 / 3: Q = 10 = 1010b -> Q2 = 0 (C0), Q1 = 1 (C3), Q0 = 0 (C1)
        Fpu f = new Fpu();
        f.fld64(3.0).fld64(31.0).reg(0xD9, 0xF8);
        assertEquals(X87.C3, f.status() & X87.CC);
        assertEquals(Double.doubleToLongBits(1.0), f.fst64());
        // 15 / 2: Q = 7 -> C0 C3 C1
        f = new Fpu();
        f.fld64(2.0).fld64(15.0).reg(0xD9, 0xF8);
        assertEquals(X87.C0 | X87.C3 | X87.C1, f.status() & X87.CC);
    }

    @Test
    void fpremPartialReduction() {
        Fpu f = new Fpu();
        f.fld64(3.0).fld64(0x1p100);
        int rounds = 0;
        do {
            f.reg(0xD9, 0xF8);
            rounds++;
        } while ((f.status() & X87.C2) != 0);
        assertEquals(2, rounds, "D = 99: partial by N = 32 + 99 mod 32 = 35 leaves D = 63, then complete");
        assertEquals("3fff:8000000000000000", f.st(0), "2^100 mod 3 = 1");
    }

    @Test
    void frndintInEachMode() {
        int[] cws = {RN, RD, RU, RZ};
        String[] pos = {"4000:8000000000000000", "4000:8000000000000000", "4000:c000000000000000",
            "4000:8000000000000000"};
        for (int i = 0; i < 4; i++) {
            Fpu f = new Fpu();
            f.fldcw(cws[i]).fld64(2.5).reg(0xD9, 0xFC);
            assertEquals(pos[i], f.st(0));
            assertEquals(Arith.PE, f.status() & 0x3F);
        }
        Fpu f = new Fpu();
        f.fldcw(RD).fld64(-0.25).reg(0xD9, 0xFC);
        assertEquals("bfff:8000000000000000", f.st(0));
        f.fldcw(RN).fld64(-0.25).reg(0xD9, 0xFC);
        assertEquals("8000:0000000000000000", f.st(0));
    }

    @Test
    void fscaleAndFxtract() {
        Fpu f = new Fpu();
        f.fld64(3.7).fld64(1.5).reg(0xD9, 0xFD);
        assertEquals("4002:c000000000000000", f.st(0), "1.5 * 2^3 = 12");
        f = new Fpu();
        f.fld64(-2.7).fld64(1.5).reg(0xD9, 0xFD);
        assertEquals("3ffd:c000000000000000", f.st(0));
        f = new Fpu();
        f.fld64(12.0).reg(0xD9, 0xF4);
        assertEquals("3fff:c000000000000000", f.st(0));
        assertEquals("4000:c000000000000000", f.st(1));
        f = new Fpu();
        f.fld64(0.0).reg(0xD9, 0xF4);
        assertEquals("0000:0000000000000000", f.st(0));
        assertEquals("ffff:8000000000000000", f.st(1));
        assertEquals(Arith.ZE, f.status() & 0x3F);
    }

    @Test
    void constantsFollowRoundingControl() {
        Fpu f = new Fpu();
        f.reg(0xD9, 0xEB);
        assertEquals("4000:c90fdaa22168c235", f.st(0));
        f.reg(0xD9, 0xE9);
        assertEquals("4000:d49a784bcd1b8afe", f.st(0));
        f.reg(0xD9, 0xEA);
        assertEquals("3fff:b8aa3b295c17f0bc", f.st(0));
        f.reg(0xD9, 0xEC);
        assertEquals("3ffd:9a209a84fbcff799", f.st(0));
        f.reg(0xD9, 0xED);
        assertEquals("3ffe:b17217f7d1cf79ac", f.st(0));
        f.reg(0xD9, 0xE8);
        assertEquals("3fff:8000000000000000", f.st(0));
        f.reg(0xD9, 0xEE);
        assertEquals("0000:0000000000000000", f.st(0));
        assertEquals(0, f.status() & 0x3F);
        f = new Fpu();
        f.fldcw(RZ).reg(0xD9, 0xEB);
        assertEquals("4000:c90fdaa22168c234", f.st(0));
        f.fldcw(RU).reg(0xD9, 0xE9);
        assertEquals("4000:d49a784bcd1b8aff", f.st(0));
    }

    @Test
    void transcendentalsAgreeWithStrictMath() {
        Fpu f = new Fpu();
        f.fld64(0.5).reg(0xD9, 0xFE);
        assertEquals(Double.doubleToLongBits(StrictMath.sin(0.5)), f.fstp64());
        f.fld64(0.5).reg(0xD9, 0xFF);
        assertEquals(Double.doubleToLongBits(StrictMath.cos(0.5)), f.fstp64());
        f.fld64(1.0).fld64(1.0).reg(0xD9, 0xF3);
        assertEquals(Double.doubleToLongBits(StrictMath.atan2(1, 1)), f.fstp64());
        f.fld64(3.0).fld64(8.0).reg(0xD9, 0xF1); // FYL2X: 3 * log2(8)
        assertEquals(Double.doubleToLongBits(9.0), f.fstp64());
        f.fld64(0.0).reg(0xD9, 0xF2); // FPTAN 0: tan = 0, then 1 pushed
        assertEquals("3fff:8000000000000000", f.st(0));
        assertEquals("0000:0000000000000000", f.st(1));
        f = new Fpu();
        f.fld64(0x1p64).reg(0xD9, 0xFE);
        assertEquals(X87.C2, f.status() & X87.C2, "out of range");
        assertEquals("403f:8000000000000000", f.st(0));
        f = new Fpu();
        f.fld64(0.5).reg(0xD9, 0xF0); // F2XM1
        assertEquals(Double.doubleToLongBits(StrictMath.expm1(0.5 * 0.6931471805599453)), f.fstp64());
        f.fld64(0.5).reg(0xD9, 0xFB); // FSINCOS
        assertEquals(Double.doubleToLongBits(StrictMath.cos(0.5)), f.fstp64());
        assertEquals(Double.doubleToLongBits(StrictMath.sin(0.5)), f.fstp64());
        f.fld64(2.0).fld64(0.5).reg(0xD9, 0xF9); // FYL2XP1: 2 * log2(1 + 0.5), the product with y exact
        assertEquals(Double.doubleToLongBits(2 * (StrictMath.log1p(0.5) / 0.6931471805599453)), f.fstp64());
        f.fld64(0.5).reg(0xD9, 0xF2); // FPTAN: ST1 = tan, ST0 = 1
        assertEquals("3fff:8000000000000000", f.st(0));
        f.fstp64();
        assertEquals(Double.doubleToLongBits(StrictMath.tan(0.5)), f.fstp64());
    }
}
