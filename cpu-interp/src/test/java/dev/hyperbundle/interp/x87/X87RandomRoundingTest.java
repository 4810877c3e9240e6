package dev.hyperbundle.interp.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.cpu.FpuState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Randomized checks of correct rounding: with PC = 53 / 24 and round-to-nearest the x87 result stored as
 * double / float must equal Java's IEEE double / float arithmetic (one rounding, no exponent range issue);
 * with PC = 64 every rounding mode is verified against the exact value in BigDecimal.
 */
class X87RandomRoundingTest {
    private static final int[] RC = {0x0000, 0x0400, 0x0800, 0x0C00};

    @Test
    void doublePrecisionControlMatchesJavaDoubles() {
        SplittableRandom r = new SplittableRandom(53);
        Fpu f = new Fpu();
        f.fldcw(0x027F);
        for (int i = 0; i < 20000; i++) {
            double a = randomDouble(r), b = randomDouble(r);
            assertEquals(bits(a + b), run(f, a, 0, b), () -> a + " + " + b);
            assertEquals(bits(a - b), run(f, a, 4, b), () -> a + " - " + b);
            assertEquals(bits(a * b), run(f, a, 1, b), () -> a + " * " + b);
            assertEquals(bits(a / b), run(f, a, 6, b), () -> a + " / " + b);
            double m = Math.abs(a);
            f.fld64(m).reg(0xD9, 0xFA);
            assertEquals(bits(Math.sqrt(m)), f.fstp64(), () -> "sqrt " + m);
        }
    }

    @Test
    void singlePrecisionControlMatchesJavaFloats() {
        SplittableRandom r = new SplittableRandom(24);
        Fpu f = new Fpu();
        f.fldcw(0x007F);
        for (int i = 0; i < 20000; i++) {
            float a = (float) randomDouble(r), b = (float) randomDouble(r);
            f.fld32(Float.floatToRawIntBits(a));
            f.bus.write32(0x300, Float.floatToRawIntBits(b));
            f.mem(0xD8, 6, 0x300); // FDIV m32
            assertEquals(Float.floatToRawIntBits(a / b), f.fstp32(), () -> a + " / " + b);
            f.fld32(Float.floatToRawIntBits(a)).mem(0xD8, 1, 0x300);
            assertEquals(Float.floatToRawIntBits(a * b), f.fstp32());
            f.fld32(Float.floatToRawIntBits(a)).mem(0xD8, 0, 0x300);
            assertEquals(Float.floatToRawIntBits(a + b), f.fstp32());
        }
    }

    @Test
    void extendedPrecisionAllModesAgainstExactValues() {
        SplittableRandom r = new SplittableRandom(64);
        for (int i = 0; i < 3000; i++) {
            int mode = RC[i & 3];
            int seA = 0x3FFF - 40 + r.nextInt(80) | (r.nextBoolean() ? 0x8000 : 0);
            int seB = 0x3FFF - 40 + r.nextInt(80) | (r.nextBoolean() ? 0x8000 : 0);
            long mA = r.nextLong() | Long.MIN_VALUE, mB = r.nextLong() | Long.MIN_VALUE;
            if ((i & 8) != 0) {
                seB = (seA & 0x7FFF) + r.nextInt(3) - 1 | (seB & 0x8000); // close exponents: cancellation
            }
            BigDecimal a = exact(seA, mA), b = exact(seB, mB);
            check(mode, seA, mA, seB, mB, 0, x -> x.compareTo(a.add(b)));
            check(mode, seA, mA, seB, mB, 4, x -> x.compareTo(a.subtract(b)));
            check(mode, seA, mA, seB, mB, 1, x -> x.compareTo(a.multiply(b)));
            check(mode, seA, mA, seB, mB, 6, x -> x.multiply(b).compareTo(a) * b.signum());
            int seP = seA & 0x7FFF;
            check(mode, seP, mA, 0, 0, -1, x -> x.multiply(x).compareTo(exact(seP, mA)));
        }
    }

    /** Runs op on ST0 = a, ST1 = b (op -1: FSQRT of a) and checks the result brackets the exact value. */
    private static void check(int rc, int seA, long mA, int seB, long mB, int op, Function<BigDecimal, Integer> cmp) {
        Fpu f = new Fpu();
        f.fldcw(0x037F | rc);
        if (op < 0) {
            f.fld80(seA, mA).reg(0xD9, 0xFA);
        } else {
            f.fld80(seB, mB).fld80(seA, mA).reg(0xD8, 0xC1 | op << 3);
        }
        FpuState s = new FpuState();
        f.x.save(s);
        int p = s.top();
        int se = s.signExponent[p];
        long m = s.mantissa[p];
        if (m == 0) {
            assertEquals(0, cmp.apply(BigDecimal.ZERO), "zero result must be exact");
            return;
        }
        assertTrue(m < 0, "normalized");
        BigDecimal res = exact(se, m);
        BigDecimal ulp = exact(se & 0x7FFF, Long.MIN_VALUE).divide(BigDecimal.TWO.pow(63));
        boolean neg = (se & 0x8000) != 0;
        boolean pow2 = m == Long.MIN_VALUE;
        BigDecimal up = res.add(neg && pow2 ? ulp.divide(BigDecimal.TWO) : ulp);
        BigDecimal down = res.subtract(!neg && pow2 ? ulp.divide(BigDecimal.TWO) : ulp);
        String what = String.format("rc=%x op=%d %04x:%016x %04x:%016x -> %04x:%016x", rc, op, seA, mA, seB, mB, se, m);
        boolean inexact = (f.status() & Arith.PE) != 0;
        if (!inexact) {
            assertEquals(0, cmp.apply(res), what);
            return;
        }
        boolean towardPlus = rc == 0x0800 || (rc == 0x0C00 && neg);
        boolean towardMinus = rc == 0x0400 || (rc == 0x0C00 && !neg);
        if (rc == 0) {
            BigDecimal lo = res.add(down).divide(BigDecimal.TWO), hi = res.add(up).divide(BigDecimal.TWO);
            assertTrue(cmp.apply(lo) <= 0 && cmp.apply(hi) >= 0, what);
        } else if (towardMinus) {
            assertTrue(cmp.apply(res) < 0 && cmp.apply(up) > 0, what);
        } else if (towardPlus) {
            assertTrue(cmp.apply(res) > 0 && cmp.apply(down) < 0, what);
        }
    }

    static BigDecimal exact(int se, long m) {
        BigDecimal v = new BigDecimal(new BigInteger(Long.toUnsignedString(m)));
        int k = (se & 0x7FFF) - 16383 - 63;
        v = k >= 0 ? v.multiply(BigDecimal.TWO.pow(k)) : v.divide(BigDecimal.TWO.pow(-k));
        return (se & 0x8000) != 0 ? v.negate() : v;
    }

    private static double randomDouble(SplittableRandom r) {
        double d = Math.scalb(1 + r.nextDouble(), r.nextInt(-60, 60));
        return r.nextBoolean() ? -d : d;
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    private static long run(Fpu f, double a, int op, double b) {
        f.fld64(a).op64(op, b);
        return f.fstp64();
    }
}
