package dev.hyperbundle.interp.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Loads and stores of every memory format, with the rounding of narrowing stores in all four modes. */
class X87ConversionTest {
    static final int RN = 0x037F, RD = 0x077F, RU = 0x0B7F, RZ = 0x0F7F;

    @Test
    void doubleLoadsAreExact() {
        Fpu f = new Fpu();
        f.fld64(1.0);
        assertEquals("3fff:8000000000000000", f.st(0));
        f.fld64(0.1); // 0x3FB999999999999A
        assertEquals("3ffb:ccccccccccccd000", f.st(0));
        f.fld64(-0.0);
        assertEquals("8000:0000000000000000", f.st(0));
        f.fld64(Double.POSITIVE_INFINITY);
        assertEquals("7fff:8000000000000000", f.st(0));
        f.fld64(0xFFF8000000000000L);
        assertEquals("ffff:c000000000000000", f.st(0));
        assertEquals(0, f.status() & 0x3F, "no exceptions for normal, zero, infinity, QNaN");
    }

    @Test
    void denormalDoubleLoadsNormalizedAndRaisesDenormal() {
        Fpu f = new Fpu();
        f.fld64(0x0000000000000001L); // 2^-1074
        assertEquals("3bcd:8000000000000000", f.st(0));
        assertEquals(Arith.DE, f.status() & 0x3F);
        assertEquals(0x0000000000000001L, f.fstp64(), "and stores back exactly");
        f.fld64(0x000FFFFFFFFFFFFFL); // largest denormal
        assertEquals("3c00:fffffffffffff000", f.st(0));
        assertEquals(0x000FFFFFFFFFFFFFL, f.fstp64());
    }

    @Test
    void signalingNanLoadIsInvalidAndQuieted() {
        Fpu f = new Fpu();
        f.fld64(0x7FF0000000000001L);
        assertEquals("7fff:c000000000000800", f.st(0));
        assertEquals(Arith.IE, f.status() & 0x3F);
        assertEquals(0x7FF8000000000001L, f.fstp64());
    }

    @Test
    void singleLoads() {
        Fpu f = new Fpu();
        f.fld32(0x3FC00000); // 1.5f
        assertEquals("3fff:c000000000000000", f.st(0));
        f.fld32(0x00000001); // 2^-149
        assertEquals("3f6a:8000000000000000", f.st(0));
        assertEquals(Arith.DE, f.status() & 0x3F);
        assertEquals(0x00000001, f.fstp32());
        f.fld32(0xFF800000);
        assertEquals("ffff:8000000000000000", f.st(0));
        assertEquals(0xFF800000, f.fstp32());
    }

    /** ST0 = sign * (1 + frac * 2^-63) then stored as float/double in each rounding mode. */
    private static long storeDouble(int cw, int se, long man) {
        Fpu f = new Fpu();
        f.fldcw(cw);
        f.fld80(se, man);
        return f.fstp64();
    }

    private static int storeFloat(int cw, int se, long man) {
        Fpu f = new Fpu();
        f.fldcw(cw);
        f.fld80(se, man);
        return f.fstp32();
    }

    @Test
    void doubleStoreRoundsInEveryMode() {
        long tie = Long.MIN_VALUE | (1L << 10); // 1 + 2^-53: exactly half an ulp of double
        assertEquals(0x3FF0000000000000L, storeDouble(RN, 0x3FFF, tie));
        assertEquals(0x3FF0000000000000L, storeDouble(RD, 0x3FFF, tie));
        assertEquals(0x3FF0000000000001L, storeDouble(RU, 0x3FFF, tie));
        assertEquals(0x3FF0000000000000L, storeDouble(RZ, 0x3FFF, tie));
        assertEquals(0xBFF0000000000000L, storeDouble(RN, 0xBFFF, tie));
        assertEquals(0xBFF0000000000001L, storeDouble(RD, 0xBFFF, tie));
        assertEquals(0xBFF0000000000000L, storeDouble(RU, 0xBFFF, tie));
        assertEquals(0xBFF0000000000000L, storeDouble(RZ, 0xBFFF, tie));
        long oddTie = Long.MIN_VALUE | (3L << 10); // ties to even goes up
        assertEquals(0x3FF0000000000002L, storeDouble(RN, 0x3FFF, oddTie));
        long aboveTie = tie | 1; // sticky bit decides
        assertEquals(0x3FF0000000000001L, storeDouble(RN, 0x3FFF, aboveTie));
        assertEquals(0x3FF0000000000000L, storeDouble(RZ, 0x3FFF, aboveTie));
    }

    @Test
    void floatStoreRoundsInEveryMode() {
        long tie = Long.MIN_VALUE | (1L << 39); // 1 + 2^-24
        assertEquals(0x3F800000, storeFloat(RN, 0x3FFF, tie));
        assertEquals(0x3F800000, storeFloat(RD, 0x3FFF, tie));
        assertEquals(0x3F800001, storeFloat(RU, 0x3FFF, tie));
        assertEquals(0x3F800000, storeFloat(RZ, 0x3FFF, tie));
        assertEquals(0xBF800000, storeFloat(RN, 0xBFFF, tie));
        assertEquals(0xBF800001, storeFloat(RD, 0xBFFF, tie));
        assertEquals(0xBF800000, storeFloat(RU, 0xBFFF, tie));
        assertEquals(0x3F800001, storeFloat(RN, 0x3FFF, tie | 1));
    }

    @Test
    void roundUpSetsPrecisionAndC1() {
        Fpu f = new Fpu();
        f.fldcw(RU);
        f.fld80(0x3FFF, Long.MIN_VALUE | 1);
        f.fstp64();
        int sw = f.status();
        assertEquals(Arith.PE, sw & 0x3F);
        assertEquals(X87.C1, sw & X87.C1);
        f.fld80(0x3FFF, Long.MIN_VALUE | 1);
        f.fldcw(RZ);
        f.fstp64();
        assertEquals(0, f.status() & X87.C1, "truncated: C1 clear");
    }

    @Test
    void denormalAndUnderflowingDoubleStores() {
        // 2^-1075 is half of the smallest denormal: ties to even gives +0, tiny and inexact -> UE|PE
        Fpu f = new Fpu();
        f.fld80(0x3BCC, Long.MIN_VALUE);
        assertEquals(0L, f.fstp64());
        assertEquals(Arith.UE | Arith.PE, f.status() & 0x3F);
        assertEquals(1L, storeDouble(RU, 0x3BCC, Long.MIN_VALUE));
        assertEquals(1L, storeDouble(RN, 0x3BCC, 0xC000000000000000L), "1.5 * 2^-1075 rounds to 2^-1074");
        assertEquals(0x8000000000000001L, storeDouble(RD, 0xBBCC, Long.MIN_VALUE));
        // exact denormal: no underflow flag (masked underflow needs inexactness)
        f = new Fpu();
        f.fld80(0x3C00 - 10, Long.MIN_VALUE);
        assertEquals(1L << 41, f.fstp64()); // 2^-1033 = 2^41 * 2^-1074
        assertEquals(0, f.status() & 0x3F);
    }

    @Test
    void tininessIsDetectedAfterRounding() {
        // 2^-1023 * (2 - 2^-53) rounds (53 bits, unbounded exponent) to 2^-1022: not tiny, only PE (SDM Vol. 1 4.9.1.5)
        Fpu f = new Fpu();
        f.fld80(0x3C00, 0xFFFFFFFFFFFFFC00L);
        assertEquals(0x0010000000000000L, f.fstp64());
        assertEquals(Arith.PE, f.status() & 0x3F);
        f = new Fpu();
        f.fld80(0x3C00, 0xFFFFFFFFFFFFF000L); // the largest denormal, exact: no flags
        assertEquals(0x000FFFFFFFFFFFFFL, f.fstp64());
        assertEquals(0, f.status() & 0x3F);
        // 2^-1023 * (2 - 2^-52) has 53 bits: exact with unbounded exponent, so tiny; as a denormal it is a
        // tie that rounds to even = 2^-1022, inexact -> UE and PE although the stored value is normal
        f = new Fpu();
        f.fld80(0x3C00, 0xFFFFFFFFFFFFF800L);
        assertEquals(0x0010000000000000L, f.fstp64());
        assertEquals(Arith.UE | Arith.PE, f.status() & 0x3F);
    }

    @Test
    void overflowingDoubleStoreMasked() {
        Fpu f = new Fpu();
        f.fld80(0x43FF, Long.MIN_VALUE); // 2^1024
        assertEquals(0x7FF0000000000000L, f.fstp64());
        assertEquals(Arith.OE | Arith.PE, f.status() & 0x3F);
        assertEquals(X87.C1, f.status() & X87.C1);
        assertEquals(0x7FEFFFFFFFFFFFFFL, storeDouble(RZ, 0x43FF, Long.MIN_VALUE));
        assertEquals(0xFFEFFFFFFFFFFFFFL, storeDouble(RU, 0xC3FF, Long.MIN_VALUE));
        assertEquals(0xFFF0000000000000L, storeDouble(RD, 0xC3FF, Long.MIN_VALUE));
        // all-ones significand at the top binade rounds up into overflow
        assertEquals(0x7FF0000000000000L, storeDouble(RN, 0x43FE, -1L));
        assertEquals(0x7FEFFFFFFFFFFFFFL, storeDouble(RZ, 0x43FE, -1L));
    }

    @Test
    void overflowingStoreUnmaskedStoresNothingAndKeepsTheStack() {
        Fpu f = new Fpu();
        f.fldcw(0x0377); // OM clear
        f.fld80(0x43FF, Long.MIN_VALUE);
        f.bus.write64(Fpu.M, 0x1122334455667788L);
        f.mem(0xDD, 3, Fpu.M); // FSTP m64
        assertEquals(0x1122334455667788L, f.bus.read64(Fpu.M));
        assertEquals("43ff:8000000000000000", f.st(0), "not popped");
        assertTrue(f.x.errorPending());
        assertEquals(Arith.OE | X87.ES | X87.B, f.status() & (0x3F | X87.ES | X87.B));
    }

    @Test
    void extendedStoreIsRaw() {
        Fpu f = new Fpu();
        f.fld80(0x0000, 0x8000000000000001L); // pseudo-denormal passes through FLD/FSTP m80 untouched
        assertEquals("0000:8000000000000001", f.fstp80());
        assertEquals(0, f.status() & 0x3F);
    }

    @Test
    void integerLoadsAndStores() {
        Fpu f = new Fpu();
        f.fild64(Long.MIN_VALUE);
        assertEquals("c03e:8000000000000000", f.st(0));
        assertEquals(Long.MIN_VALUE, f.fistp64());
        f.fild64(-1);
        assertEquals("bfff:8000000000000000", f.st(0));
        f.bus.write16(Fpu.M, 0x8000);
        f.mem(0xDF, 0, Fpu.M); // FILD m16 -32768
        assertEquals("c00e:8000000000000000", f.st(0));
        f.bus.write32(Fpu.M, 123456789);
        f.mem(0xDB, 0, Fpu.M);
        f.mem(0xDB, 3, Fpu.M + 8); // FISTP m32
        assertEquals(123456789, f.bus.read32(Fpu.M + 8));
    }

    private static int fist16(int cw, double v) {
        Fpu f = new Fpu();
        f.fldcw(cw);
        f.fld64(v);
        return f.fistp16();
    }

    @Test
    void fistRoundsByRoundingControl() {
        assertEquals(2, fist16(RN, 2.5));
        assertEquals(2, fist16(RD, 2.5));
        assertEquals(3, fist16(RU, 2.5));
        assertEquals(2, fist16(RZ, 2.5));
        assertEquals(0xFFFE, fist16(RN, -2.5));
        assertEquals(0xFFFD, fist16(RD, -2.5));
        assertEquals(0xFFFE, fist16(RU, -2.5));
        assertEquals(0xFFFE, fist16(RZ, -2.5));
        assertEquals(4, fist16(RN, 3.5));
        assertEquals(0x8000, fist16(RN, -32768.4));
    }

    @Test
    void fistOutOfRangeGivesIntegerIndefinite() {
        Fpu f = new Fpu();
        f.fld64(40000.0);
        assertEquals(0x8000, f.fistp16());
        assertEquals(Arith.IE, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(Double.NaN);
        assertEquals(Long.MIN_VALUE, f.fistp64());
        assertEquals(Arith.IE, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(0x1p63);
        assertEquals(Long.MIN_VALUE, f.fistp64());
        assertEquals(Arith.IE, f.status() & 0x3F);
        f = new Fpu();
        f.fld64(-0x1p63);
        assertEquals(Long.MIN_VALUE, f.fistp64());
        assertEquals(0, f.status() & 0x3F, "-2^63 is in range");
    }

    @Test
    void packedBcdBothWays() {
        Fpu f = new Fpu();
        f.bus.write64(Fpu.M, 0x3456789012345678L);
        f.bus.write16(Fpu.M + 8, 0x8012);
        f.mem(0xDF, 4, Fpu.M); // FBLD
        Fpu g = new Fpu();
        g.fild64(-123456789012345678L);
        assertEquals(g.st(0), f.st(0));
        f.mem(0xDF, 6, 0x200); // FBSTP
        assertEquals("78563412907856341280", f.bus.hex(0x200, 10));
        assertEquals(0xFFFF, f.tag(), "popped");

        f.fld64(2.5);
        f.mem(0xDF, 6, 0x200);
        assertEquals("02000000000000000000", f.bus.hex(0x200, 10));
        assertEquals(Arith.PE, f.status() & 0x3F);

        f = new Fpu();
        f.fld64(-0.0);
        f.mem(0xDF, 6, 0x200);
        assertEquals("00000000000000000080", f.bus.hex(0x200, 10), "-0 keeps its sign");

        f = new Fpu();
        f.fld64(1e18);
        f.mem(0xDF, 6, 0x200);
        assertEquals("00000000000000c0ffff", f.bus.hex(0x200, 10), "packed BCD indefinite");
        assertEquals(Arith.IE, f.status() & 0x3F);
    }

    @Test
    void fldOfFaultingOperandChangesNothing() {
        Fpu f = new Fpu();
        f.bus.faultFrom = Fpu.M + 4;
        try {
            f.mem(0xDD, 0, Fpu.M);
        } catch (FakeBus.Fault expected) {
            // propagates unchanged
        }
        f.bus.faultFrom = Integer.MAX_VALUE;
        assertEquals(0xFFFF, f.tag());
        assertEquals(0, f.status());
        dev.hyperbundle.cpu.FpuState s = new dev.hyperbundle.cpu.FpuState();
        f.x.save(s);
        assertEquals(0, s.fip);
        assertFalse(f.x.errorPending());
    }
}
