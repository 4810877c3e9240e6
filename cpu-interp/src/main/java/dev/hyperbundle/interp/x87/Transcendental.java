package dev.hyperbundle.interp.x87;

import static dev.hyperbundle.interp.x87.Arith.BIAS;
import static dev.hyperbundle.interp.x87.Arith.DE;
import static dev.hyperbundle.interp.x87.Arith.INF;
import static dev.hyperbundle.interp.x87.Arith.INT_BIT;
import static dev.hyperbundle.interp.x87.Arith.NORMAL;
import static dev.hyperbundle.interp.x87.Arith.PE;
import static dev.hyperbundle.interp.x87.Arith.QNAN;
import static dev.hyperbundle.interp.x87.Arith.ZERO;

/**
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1.
 *
 * <p>APPROXIMATE: the core function is evaluated in IEEE double with {@link StrictMath} (reproducible on every
 * JVM) and widened exactly, so results have about 53 correct bits where the hardware delivers ~64. Arguments are
 * narrowed with round-to-nearest. The special operands (NaN, infinities, zeros, domain errors, the 2^63 range
 * limit of FSIN/FCOS/FPTAN with C2=1) follow the SDM Vol. 2A tables exactly. Products with y (FYL2X, FYL2XP1)
 * are done in extended precision, so their range is the full extended range. These instructions are rare in
 * the guests' workloads (busybox awk has no libm).
 */
final class Transcendental {
    private static final double LN2 = 0.6931471805599453;
    private final Arith a;
    private final Formats f;

    Transcendental(Arith a, Formats f) {
        this.a = a;
        this.f = f;
    }

    /** Nearest double of a finite extended value (the caller handles specials). */
    static double approx(int se, long m) {
        int e = se & 0x7FFF;
        if (e == 0) {
            e = 1;
        }
        // m >>> 1 is below 2^63 and converts with one rounding to 53 bits
        double d = Math.scalb((double) (m >>> 1), e - BIAS - 62);
        return (se & 0x8000) != 0 ? -d : d;
    }

    /** Exact widening of a double result; it is inexact by nature (SDM Vol. 1 8.5.6), so PE is set. */
    private void result(double d) {
        int saved = a.ex;
        f.fromDouble(Double.doubleToRawLongBits(d));
        a.ex = saved | PE;
    }

    /** True when the argument is within |x| < 2^63; otherwise C2 must be set and ST0 left alone. */
    static boolean inRange(int se, long m) {
        int c = Arith.cls(se, m);
        return c != NORMAL || (se & 0x7FFF) < BIAS + 63;
    }

    /** kind: 0 sin, 1 cos, 2 tan. Caller checked {@link #inRange}. Result in a.rSe/rMan. */
    void trig(int se, long m, int kind) {
        int c = Arith.cls(se, m);
        if (c >= QNAN) {
            a.propagateNaN1(se, m, c);
            return;
        }
        if (c == INF) {
            a.invalid();
            return;
        }
        if (c == ZERO) {
            if (kind == 1) {
                a.setResult(BIAS, INT_BIT);
            } else {
                a.setResult(se, m);
            }
            return;
        }
        if (c == Arith.DENORMAL) {
            a.ex |= DE;
        }
        if ((se & 0x7FFF) < BIAS - 40 && kind != 1) {
            // sin x and tan x of |x| < 2^-40 round to x (the cubic term is below half an ulp)
            a.setResult(se, m);
            a.ex |= PE;
            return;
        }
        double x = approx(se, m);
        result(kind == 0 ? StrictMath.sin(x) : kind == 1 ? StrictMath.cos(x) : StrictMath.tan(x));
    }

    /** FPATAN: atan2(y, x) (ST1, ST0). */
    void atan(int seY, long mY, int seX, long mX) {
        int cy = Arith.cls(seY, mY), cx = Arith.cls(seX, mX);
        if (cy >= QNAN || cx >= QNAN) {
            a.propagateNaN(seY, mY, cy, seX, mX, cx);
            return;
        }
        if (cy == Arith.DENORMAL || cx == Arith.DENORMAL) {
            a.ex |= DE;
        }
        double y = special(seY, mY, cy), x = special(seX, mX, cx);
        if (cy != ZERO && cx != ZERO && cy != INF && cx != INF) {
            // scale both by a common power of two so that large or tiny exponents fit a double
            int ey = normExp(seY, mY), ex = normExp(seX, mX);
            int shift = Math.max(ey, ex) - BIAS;
            y = Math.scalb(approx((seY & 0x8000) | BIAS, mY << Long.numberOfLeadingZeros(mY)), ey - BIAS - shift);
            x = Math.scalb(approx((seX & 0x8000) | BIAS, mX << Long.numberOfLeadingZeros(mX)), ex - BIAS - shift);
        }
        double r = StrictMath.atan2(y, x);
        if (r == 0 && (cy == ZERO)) {
            a.setResult(seY & 0x8000, 0); // exact +-0
            return;
        }
        result(r);
    }

    private static int normExp(int se, long m) {
        int e = se & 0x7FFF;
        return e == 0 ? 1 - Long.numberOfLeadingZeros(m) : e;
    }

    private static double special(int se, long m, int c) {
        boolean neg = (se & 0x8000) != 0;
        if (c == ZERO) {
            return neg ? -0.0 : 0.0;
        }
        if (c == INF) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return approx(se, m);
    }

    /** F2XM1: 2^x - 1 for -1 <= x <= 1. */
    void f2xm1(int se, long m) {
        int c = Arith.cls(se, m);
        if (c >= QNAN) {
            a.propagateNaN1(se, m, c);
            return;
        }
        if (c == ZERO) {
            a.setResult(se, m);
            return;
        }
        if (c == INF) {
            a.setResult((se & 0x8000) != 0 ? (0x8000 | BIAS) : se, INT_BIT); // -inf -> -1, +inf -> +inf
            return;
        }
        if (c == Arith.DENORMAL) {
            a.ex |= DE;
        }
        result(StrictMath.expm1(approx(se, m) * LN2));
    }

    /** FYL2X: y * log2(x); FYL2XP1 ({@code plusOne}): y * log2(x + 1). Result in a.rSe/rMan. */
    void yl2x(int seY, long mY, int seX, long mX, boolean plusOne) {
        int cy = Arith.cls(seY, mY), cx = Arith.cls(seX, mX);
        if (cy >= QNAN || cx >= QNAN) {
            a.propagateNaN(seY, mY, cy, seX, mX, cx);
            return;
        }
        if (cy == Arith.DENORMAL || cx == Arith.DENORMAL) {
            a.ex |= DE;
        }
        boolean negX = (seX & 0x8000) != 0;
        double l; // log2(x) or log2(1 + x), exact +-0/+-inf for the special cases
        if (plusOne) {
            if (cx == ZERO) {
                l = negX ? -0.0 : 0.0;
            } else if (cx == INF) {
                if (negX) {
                    a.invalid();
                    return;
                }
                l = Double.POSITIVE_INFINITY;
            } else {
                double x = approx(seX, mX);
                if (x < -1) {
                    a.invalid();
                    return;
                }
                l = StrictMath.log1p(x) / LN2;
            }
        } else {
            if (negX && cx != ZERO) {
                a.invalid(); // log of a negative number
                return;
            }
            if (cx == ZERO) {
                if (cy == ZERO) {
                    a.invalid();
                    return;
                }
                if (cy != INF) {
                    a.ex |= Arith.ZE; // SDM FYL2X: finite y, x = +-0 is a zero divide
                }
                a.setResult(((seY & 0x8000) ^ 0x8000) | 0x7FFF, INT_BIT);
                return;
            }
            if (cx == INF) {
                l = Double.POSITIVE_INFINITY;
            } else {
                int e = normExp(seX, mX) - BIAS;
                long m = mX << Long.numberOfLeadingZeros(mX);
                if (e == 0) { // x in [1, 2): log1p of the exact fraction keeps full relative accuracy near 1
                    l = m == INT_BIT ? 0.0 : StrictMath.log1p((double) (m ^ INT_BIT) * 0x1p-63) / LN2;
                } else if (e == -1) { // x in [0.5, 1)
                    double t = -((double) ((-m) >>> 1) * 0x1p-63);
                    l = StrictMath.log1p(t) / LN2;
                } else {
                    l = e + StrictMath.log((double) (m >>> 1) * 0x1p-62) / LN2;
                }
            }
        }
        if (Double.isInfinite(l) && cy == ZERO || l == 0 && cy == INF) {
            a.invalid(); // 0 * inf
            return;
        }
        int saved = a.ex;
        f.fromDouble(Double.doubleToRawLongBits(l));
        a.ex = saved;
        int seL = a.rSe;
        long mL = a.rMan;
        boolean exactLog = l == 0 || Double.isInfinite(l);
        int pc = a.prec;
        a.prec = 64; // transcendentals are not subject to precision control (SDM Vol. 1 8.1.5.2)
        a.mul(seY, mY, seL, mL);
        a.prec = pc;
        if (!exactLog) {
            a.ex |= PE;
        }
    }
}
