package dev.hyperbundle.interp.x87;

import static dev.hyperbundle.interp.x87.Arith.BIAS;
import static dev.hyperbundle.interp.x87.Arith.DE;
import static dev.hyperbundle.interp.x87.Arith.IE;
import static dev.hyperbundle.interp.x87.Arith.INT_BIT;
import static dev.hyperbundle.interp.x87.Arith.PE;

/**
 * Conversions between the extended register format and the memory formats (SDM Vol. 1 4.2, 4.8, 4.7):
 * single and double real, 16/32/64-bit integers and 18-digit packed BCD. Loads are exact; stores round with
 * the current rounding mode through {@link Arith#round}. Results and flags go through the shared {@link Arith}.
 */
final class Formats {
    static final int FLOAT_INDEFINITE = 0xFFC00000;
    static final long DOUBLE_INDEFINITE = 0xFFF8000000000000L;
    /** Packed BCD indefinite, bytes 9..8 = FF FF, byte 7 = C0, rest 0 (SDM Vol. 1 table 4-4). */
    static final long BCD_INDEFINITE_LO = 0xC000000000000000L;
    static final int BCD_INDEFINITE_HI = 0xFFFF;
    static final long BCD_MAX = 999_999_999_999_999_999L;

    private final Arith a;
    /** High 16 bits (bytes 8-9) of the last packed BCD produced by {@link #toBcd}. */
    int bcdHi;

    Formats(Arith a) {
        this.a = a;
    }

    // ---------------------------------------------------------------- loads (exact)

    /**
     * Widens a single; a denormal single raises DE (it becomes a normal extended value), an SNaN stays
     * signaling so that arithmetic can apply the NaN rules (FLD quiets it itself).
     */
    void fromFloat(int bits) {
        int sign = (bits >>> 16) & 0x8000;
        int e = (bits >>> 23) & 0xFF;
        long f = bits & 0x7FFFFFL;
        if (e == 0) {
            if (f == 0) {
                a.setResult(sign, 0);
            } else {
                a.ex |= DE;
                int s = Long.numberOfLeadingZeros(f);
                a.setResult(sign | (BIAS + 63 - s - 149), f << s);
            }
        } else if (e == 0xFF) {
            a.setResult(sign | 0x7FFF, INT_BIT | (f << 40));
        } else {
            a.setResult(sign | (e - 127 + BIAS), INT_BIT | (f << 40));
        }
    }

    /** Widens a double; see {@link #fromFloat}. */
    void fromDouble(long bits) {
        int sign = (int) (bits >>> 48) & 0x8000;
        int e = (int) (bits >>> 52) & 0x7FF;
        long f = bits & 0xFFFFFFFFFFFFFL;
        if (e == 0) {
            if (f == 0) {
                a.setResult(sign, 0);
            } else {
                a.ex |= DE;
                int s = Long.numberOfLeadingZeros(f);
                a.setResult(sign | (BIAS + 63 - s - 1074), f << s);
            }
        } else if (e == 0x7FF) {
            a.setResult(sign | 0x7FFF, INT_BIT | (f << 11));
        } else {
            a.setResult(sign | (e - 1023 + BIAS), INT_BIT | (f << 11));
        }
    }

    void fromInt(long v) {
        if (v == 0) {
            a.setResult(0, 0);
            return;
        }
        int sign = 0;
        if (v < 0) {
            sign = 0x8000;
            v = -v; // Long.MIN_VALUE stays 2^63 as an unsigned magnitude
        }
        int s = Long.numberOfLeadingZeros(v);
        a.setResult(sign | (BIAS + 63 - s), v << s);
    }

    /** FBLD: 18 BCD digits in bytes 0-8 (low digit in the low nibble), sign in bit 7 of byte 9. */
    void fromBcd(long lo, int hi) {
        int b8 = hi & 0xFF; // byte 8 holds digits 17 and 16
        long v = (b8 >>> 4) * 10L + (b8 & 0xF);
        for (int i = 7; i >= 0; i--) {
            int b = (int) (lo >>> (i * 8)) & 0xFF;
            v = v * 100 + (b >>> 4) * 10L + (b & 0xF); // invalid digits give an undefined value (SDM FBLD)
        }
        boolean neg = (hi & 0x8000) != 0;
        fromInt(v);
        if (neg) {
            a.rSe |= 0x8000; // -0 stays -0
        }
    }

    // ---------------------------------------------------------------- stores (rounded)

    private int normExp(int se, long m) {
        int e = se & 0x7FFF;
        return e == 0 ? 1 - Long.numberOfLeadingZeros(m) : e;
    }

    /**
     * FST m32: rounds to single. On an SNaN sets IE (the quieted NaN is the masked result); {@link Arith#noStore}
     * when an unmasked overflow or underflow forbids the store.
     */
    int toFloat(int se, long m) {
        int sign = (se & 0x8000) << 16;
        switch (Arith.cls(se, m)) {
            case Arith.ZERO:
                return sign;
            case Arith.INF:
                return sign | 0x7F800000;
            case Arith.SNAN:
                a.ex |= IE;
                return sign | 0x7FC00000 | (int) ((m << 1) >>> 41);
            case Arith.QNAN:
                return sign | 0x7F800000 | (int) ((m << 1) >>> 41);
            case Arith.UNSUPPORTED:
                a.ex |= IE;
                return FLOAT_INDEFINITE;
            default:
                break;
        }
        int e = normExp(se, m);
        m <<= Long.numberOfLeadingZeros(m);
        a.round(se & 0x8000, e, m, 0, 24, Arith.SGL_EMIN, Arith.SGL_EMAX, false);
        if (a.noStore) {
            return 0;
        }
        if (a.rExp > Arith.SGL_EMAX) {
            return sign | 0x7F800000;
        }
        if (a.rMan < 0) {
            return sign | ((a.rExp - BIAS + 127) << 23) | (int) ((a.rMan << 1) >>> 41);
        }
        return sign | (int) (a.rMan >>> 40);
    }

    /** FST m64; see {@link #toFloat}. */
    long toDouble(int se, long m) {
        long sign = (long) (se & 0x8000) << 48;
        switch (Arith.cls(se, m)) {
            case Arith.ZERO:
                return sign;
            case Arith.INF:
                return sign | 0x7FF0000000000000L;
            case Arith.SNAN:
                a.ex |= IE;
                return sign | 0x7FF8000000000000L | ((m << 1) >>> 12);
            case Arith.QNAN:
                return sign | 0x7FF0000000000000L | ((m << 1) >>> 12);
            case Arith.UNSUPPORTED:
                a.ex |= IE;
                return DOUBLE_INDEFINITE;
            default:
                break;
        }
        int e = normExp(se, m);
        m <<= Long.numberOfLeadingZeros(m);
        a.round(se & 0x8000, e, m, 0, 53, Arith.DBL_EMIN, Arith.DBL_EMAX, false);
        if (a.noStore) {
            return 0;
        }
        if (a.rExp > Arith.DBL_EMAX) {
            return sign | 0x7FF0000000000000L;
        }
        if (a.rMan < 0) {
            return sign | ((long) (a.rExp - BIAS + 1023) << 52) | ((a.rMan << 1) >>> 12);
        }
        return sign | (a.rMan >>> 11);
    }

    /**
     * FIST/FISTP to a {@code bits}-wide integer: rounds in the current mode; NaN, infinity or out of range
     * raise IE and give the integer indefinite (the most negative value, SDM Vol. 1 4.8.3.7).
     */
    long toInt(int se, long m, int bits) {
        long indefinite = -1L << (bits - 1);
        int c = Arith.cls(se, m);
        if (c >= Arith.INF) {
            a.ex |= IE;
            return indefinite;
        }
        long q = a.roundToInt(se, m);
        boolean neg = (se & 0x8000) != 0;
        long limit = 1L << (bits - 1);
        if (a.intOverflow || (neg ? Long.compareUnsigned(q, limit) > 0 : Long.compareUnsigned(q, limit) >= 0)) {
            a.ex = (a.ex & ~PE) | IE;
            a.up = false;
            return indefinite;
        }
        return neg ? -q : q;
    }

    /** FBSTP: returns bytes 0-7 of the packed BCD, bytes 8-9 in {@link #bcdHi}. */
    long toBcd(int se, long m) {
        int c = Arith.cls(se, m);
        long q = 0;
        if (c < Arith.INF) {
            q = a.roundToInt(se, m);
        }
        if (c >= Arith.INF || a.intOverflow || Long.compareUnsigned(q, BCD_MAX) > 0) {
            a.ex = (a.ex & ~PE) | IE;
            a.up = false;
            bcdHi = BCD_INDEFINITE_HI;
            return BCD_INDEFINITE_LO;
        }
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            int d0 = (int) (q % 10);
            q /= 10;
            int d1 = (int) (q % 10);
            q /= 10;
            lo |= (long) (d1 << 4 | d0) << (i * 8);
        }
        int d0 = (int) (q % 10);
        int d1 = (int) (q / 10 % 10);
        bcdHi = (d1 << 4 | d0) | ((se & 0x8000) != 0 ? 0x8000 : 0);
        return lo;
    }
}
