package dev.hyperbundle.interp.x87;

/**
 * Exact extended-precision arithmetic on unpacked x87 values: a {@code se} word (bit 15 sign, bits 14:0 biased
 * exponent, bias 16383) and a 64-bit significand with explicit integer bit (SDM Vol. 1 4.2.2, 4.8).
 *
 * <p>To stay allocation-free an instance is a small mutable accumulator: operations leave their result in
 * {@link #rSe}/{@link #rMan} and OR the exceptions they detect into {@link #ex} (bits as in the status word:
 * IE, DE, ZE, OE, UE, PE). {@link #up} is the round-up indicator that becomes C1 (SDM Vol. 1 8.1.3.1).
 * The caller decides what an unmasked exception means for the destination.
 *
 * <p>Internally an unrounded value is {@code (hi:lo) / 2^127 * 2^(exp - 16383)} with {@code hi} bit 63 set and
 * {@code exp} an unbounded int, so denormal operands are simply normalized to exponents below 1.
 */
final class Arith {
    static final int BIAS = 16383;
    static final int IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;
    /** Exceptions detected before the operation: if unmasked the instruction leaves its destination alone. */
    static final int PRE = IE | DE | ZE;

    /** The QNaN floating-point indefinite (SDM Vol. 1 4.8.3.7, table 4-3). */
    static final int INDEF_SE = 0xFFFF;
    static final long INDEF_MAN = 0xC000000000000000L;
    static final long INT_BIT = Long.MIN_VALUE;
    static final long QUIET_BIT = 0x4000000000000000L;

    /** Exponent ranges (in the internal 16383 bias) of the three real formats. */
    static final int EXT_EMIN = 1, EXT_EMAX = 0x7FFE;
    static final int DBL_EMIN = BIAS - 1022, DBL_EMAX = BIAS + 1023;
    static final int SGL_EMIN = BIAS - 126, SGL_EMAX = BIAS + 127;
    /** Exponent bias adjust for unmasked overflow/underflow with a register destination (SDM Vol. 1 8.5.4/8.5.5). */
    static final int BIAS_ADJUST = 24576;

    /** Operand classes, ordered so that {@code >= QNAN} means "NaN or unsupported". */
    static final int NORMAL = 0, ZERO = 1, DENORMAL = 2, INF = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;

    // Control, copied from the FCW at the start of each instruction.
    int rc;
    int prec = 64;
    int masks = 0x3F;

    // Results.
    int ex;
    boolean up;
    /** A store to memory must not happen (unmasked overflow/underflow, SDM Vol. 1 8.5.4/8.5.5). */
    boolean noStore;
    int rSe;
    long rMan;
    /** Exponent (internal bias) of the last {@link #round} result: emin-1 for denormal/zero, emax+1 for infinity. */
    int rExp;
    /** Low three quotient bits of FPREM/FPREM1 and whether the reduction was only partial. */
    int quot;
    boolean partial;
    /** Remainder of the last {@link #divlu}. */
    private long divRem;
    /** Integer conversion overflowed (FIST/FBSTP range). */
    boolean intOverflow;

    void begin(int fcw) {
        masks = fcw & 0x3F;
        rc = (fcw >>> 10) & 3;
        int pc = (fcw >>> 8) & 3;
        // PC=01 is reserved; like the hardware it is treated as double extended (SDM Vol. 1 8.1.5.2).
        prec = pc == 0 ? 24 : pc == 2 ? 53 : 64;
        ex = 0;
        up = false;
        noStore = false;
    }

    /** True when an exception detected before the computation is unmasked: the destination stays unchanged. */
    boolean preFault() {
        return (ex & ~masks & PRE) != 0;
    }

    static int cls(int se, long m) {
        int e = se & 0x7FFF;
        if (e == 0) {
            return m == 0 ? ZERO : DENORMAL; // a pseudo-denormal (integer bit set) is used like a denormal
        }
        if (m >= 0) {
            return UNSUPPORTED; // unnormal, pseudo-NaN, pseudo-infinity: invalid since the 387 (SDM Vol. 1 8.2.2)
        }
        if (e == 0x7FFF) {
            if ((m << 1) == 0) {
                return INF;
            }
            return (m & QUIET_BIT) != 0 ? QNAN : SNAN;
        }
        return NORMAL;
    }

    static boolean isNormal(int se, long m) {
        int e = se & 0x7FFF;
        return e != 0 && e != 0x7FFF && m < 0;
    }

    void setResult(int se, long m) {
        rSe = se;
        rMan = m;
    }

    void invalid() {
        ex |= IE;
        rSe = INDEF_SE;
        rMan = INDEF_MAN;
    }

    /** NaN operand rules of SDM Vol. 1 table 4-7 (x87 column); any SNaN or unsupported operand is invalid. */
    void propagateNaN(int seA, long mA, int ca, int seB, long mB, int cb) {
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) {
            invalid();
            return;
        }
        if (ca == SNAN || cb == SNAN) {
            ex |= IE;
        }
        boolean aNaN = ca == QNAN || ca == SNAN, bNaN = cb == QNAN || cb == SNAN;
        boolean pickA;
        if (aNaN && bNaN) {
            if (ca != cb) {
                pickA = ca == QNAN; // an SNaN and a QNaN: the QNaN
            } else {
                int c = Long.compareUnsigned(mA | QUIET_BIT, mB | QUIET_BIT);
                pickA = c > 0 || (c == 0 && seA <= seB); // larger significand; on a tie the positive one
            }
        } else {
            pickA = aNaN;
        }
        if (pickA) {
            setResult(seA, mA | QUIET_BIT);
        } else {
            setResult(seB, mB | QUIET_BIT);
        }
    }

    /** The one-operand form: SNaN becomes QNaN with IE, unsupported becomes the indefinite. */
    void propagateNaN1(int se, long m, int c) {
        if (c == UNSUPPORTED) {
            invalid();
        } else {
            if (c == SNAN) {
                ex |= IE;
            }
            setResult(se, m | QUIET_BIT);
        }
    }

    // ---------------------------------------------------------------- rounding

    /** Whether rounding {@code q} (kept bits) with left-aligned discarded bits {@code r} increments it. */
    private boolean roundUp(int sign, long q, long r) {
        switch (rc) {
            case 0:
                return Long.compareUnsigned(r, INT_BIT) > 0 || (r == INT_BIT && (q & 1) != 0);
            case 1:
                return r != 0 && sign != 0;
            case 2:
                return r != 0 && sign == 0;
            default:
                return false;
        }
    }

    /**
     * Rounds {@code sign * (hi:lo)/2^127 * 2^(exp-16383)} ({@code hi} normalized) to {@code p} significand bits
     * within the exponent range [emin, emax], with the masked and unmasked overflow and underflow responses of
     * SDM Vol. 1 4.9.1.4-4.9.1.6 and 8.5.4-8.5.6. {@code toReg}: the destination is a register (bias-adjusted
     * result when unmasked) rather than memory (nothing stored when unmasked). Result in rSe/rMan/rExp.
     */
    void round(int sign, int exp, long hi, long lo, int p, int emin, int emax, boolean toReg) {
        int drop = 64 - p;
        boolean tinyMasked = false;
        if (exp < emin) {
            // Tininess is judged after rounding with unbounded exponent (SDM Vol. 1 4.9.1.5): only a value one
            // binade below the minimum that rounds up into it is not tiny.
            boolean tiny = exp < emin - 1 || !carriesOut(sign, hi, lo, drop);
            if (tiny) {
                if ((masks & UE) == 0) {
                    ex |= UE;
                    if (!toReg) {
                        noStore = true;
                        return;
                    }
                    exp += BIAS_ADJUST;
                    if (exp < emin) { // massive underflow even after the bias: a signed zero (SDM Vol. 1 8.5.5)
                        rExp = emin - 1;
                        rMan = 0;
                        rSe = sign;
                        return;
                    }
                } else {
                    int sh = emin - exp;
                    if (sh >= 128) {
                        lo = (hi | lo) != 0 ? 1 : 0;
                        hi = 0;
                    } else if (sh >= 64) {
                        long sticky = lo != 0 ? 1 : 0;
                        if (sh == 64) {
                            lo = hi | sticky;
                        } else {
                            lo = (hi >>> (sh - 64)) | ((hi << (128 - sh)) != 0 ? 1 : 0) | sticky;
                        }
                        hi = 0;
                    } else {
                        lo = (lo >>> sh) | (hi << (64 - sh)) | ((lo << (64 - sh)) != 0 ? 1 : 0);
                        hi >>>= sh;
                    }
                    exp = emin;
                    tinyMasked = true;
                }
            }
        }
        long q, r;
        if (drop == 0) {
            q = hi;
            r = lo;
        } else {
            q = hi >>> drop;
            r = (hi << (64 - drop)) | (lo != 0 ? 1 : 0);
        }
        if (r != 0) {
            ex |= PE;
            if (tinyMasked) {
                ex |= UE; // masked underflow is signalled only for tiny and inexact results
            }
            if (roundUp(sign, q, r)) {
                up = true;
                q++;
                if (drop == 0) {
                    if (q == 0) {
                        q = INT_BIT;
                        exp++;
                    }
                } else if (q == 1L << p) {
                    q >>>= 1;
                    exp++;
                }
            } else {
                up = false;
            }
        }
        hi = q << drop;
        if (hi >= 0) {
            exp = emin - 1; // denormal or zero: exponent field 0
        }
        if (exp > emax) {
            if ((masks & OE) == 0) {
                ex |= OE;
                if (!toReg) {
                    noStore = true;
                    return;
                }
                exp -= BIAS_ADJUST;
                if (exp > emax) { // massive overflow (only FSCALE): infinity
                    exp = emax + 1;
                    hi = INT_BIT;
                }
            } else {
                // Masked overflow: infinity or the largest finite value by rounding mode (SDM Vol. 1 table 4-10).
                ex |= OE | PE;
                boolean toInf = rc == 0 || (rc == 1 && sign != 0) || (rc == 2 && sign == 0);
                if (toInf) {
                    exp = emax + 1;
                    hi = INT_BIT;
                    up = true;
                } else {
                    exp = emax;
                    hi = (-1L >>> drop) << drop;
                    up = false;
                }
            }
        }
        rExp = exp;
        rMan = hi;
        rSe = sign | (exp & 0x7FFF);
    }

    private boolean carriesOut(int sign, long hi, long lo, int drop) {
        long q, r;
        if (drop == 0) {
            q = hi;
            r = lo;
        } else {
            q = hi >>> drop;
            r = (hi << (64 - drop)) | (lo != 0 ? 1 : 0);
        }
        return q == (-1L >>> drop) && r != 0 && roundUp(sign, q, r);
    }

    /** Rounds a normalized value to an extended register with the current precision control. */
    private void roundExt(int sign, int exp, long hi, long lo) {
        round(sign, exp, hi, lo, prec, EXT_EMIN, EXT_EMAX, true);
    }

    /** Result of a finite normalized operand rounded to the current precision (x + 0, x * 1 cases). */
    private void roundOperand(int se, long m, int p) {
        int e = se & 0x7FFF;
        if (e == 0) {
            int s = Long.numberOfLeadingZeros(m);
            m <<= s;
            e = 1 - s;
        }
        round(se & 0x8000, e, m, 0, p, EXT_EMIN, EXT_EMAX, true);
    }

    // ---------------------------------------------------------------- add / subtract

    /** a + b, or a - b when {@code negB}. */
    void add(int seA, long mA, int seB, long mB, boolean negB) {
        int ea = seA & 0x7FFF, eb = seB & 0x7FFF;
        if (!(isNormal(seA, mA) && isNormal(seB, mB))) {
            int ca = cls(seA, mA), cb = cls(seB, mB);
            if (ca >= QNAN || cb >= QNAN) {
                propagateNaN(seA, mA, ca, seB, mB, cb);
                return;
            }
            if (negB) {
                seB ^= 0x8000;
            }
            if (ca == INF || cb == INF) {
                if (ca == INF && cb == INF && ((seA ^ seB) & 0x8000) != 0) {
                    invalid(); // inf - inf
                } else if (ca == DENORMAL || cb == DENORMAL) {
                    ex |= DE;
                    setResult(ca == INF ? seA : seB, INT_BIT);
                } else {
                    setResult(ca == INF ? seA : seB, INT_BIT);
                }
                return;
            }
            if (ca == DENORMAL || cb == DENORMAL) {
                ex |= DE;
            }
            if (ca == ZERO || cb == ZERO) {
                if (ca == ZERO && cb == ZERO) {
                    int s = (seA & seB & 0x8000);
                    if (((seA ^ seB) & 0x8000) != 0) {
                        s = rc == 1 ? 0x8000 : 0; // x + (-x) is -0 only when rounding down (SDM Vol. 1 4.8.3.4)
                    }
                    setResult(s, 0);
                } else if (ca == ZERO) {
                    roundOperand(seB, mB, prec);
                } else {
                    roundOperand(seA, mA, prec);
                }
                return;
            }
            if (ca == DENORMAL) {
                int s = Long.numberOfLeadingZeros(mA);
                mA <<= s;
                ea = 1 - s;
            }
            if (cb == DENORMAL) {
                int s = Long.numberOfLeadingZeros(mB);
                mB <<= s;
                eb = 1 - s;
            }
        } else if (negB) {
            seB ^= 0x8000;
        }
        int sa = seA & 0x8000, sb = seB & 0x8000;
        if (ea < eb || (ea == eb && Long.compareUnsigned(mA, mB) < 0)) {
            int t = ea;
            ea = eb;
            eb = t;
            long tm = mA;
            mA = mB;
            mB = tm;
            t = sa;
            sa = sb;
            sb = t;
        }
        int d = ea - eb;
        long bh, bl;
        if (d == 0) {
            bh = mB;
            bl = 0;
        } else if (d < 64) {
            bh = mB >>> d;
            bl = mB << (64 - d);
        } else if (d < 128) {
            bh = 0;
            bl = d == 64 ? mB : (mB >>> (d - 64)) | ((mB << (128 - d)) != 0 ? 1 : 0);
        } else {
            bh = 0;
            bl = 1;
        }
        long hi, lo;
        if (sa == sb) {
            lo = bl;
            hi = mA + bh;
            if (Long.compareUnsigned(hi, mA) < 0) { // carry out of the significand
                lo = (lo >>> 1) | (hi << 63) | (lo & 1);
                hi = (hi >>> 1) | INT_BIT;
                ea++;
            }
        } else {
            lo = -bl;
            hi = mA - bh - (bl != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) {
                setResult(rc == 1 ? 0x8000 : 0, 0); // exact zero difference: +0 except rounding down
                return;
            }
            if (hi == 0) {
                hi = lo;
                lo = 0;
                ea -= 64;
            }
            int s = Long.numberOfLeadingZeros(hi);
            if (s != 0) {
                hi = (hi << s) | (lo >>> (64 - s));
                lo <<= s;
                ea -= s;
            }
        }
        roundExt(sa, ea, hi, lo);
    }

    // ---------------------------------------------------------------- multiply

    void mul(int seA, long mA, int seB, long mB) {
        int ea = seA & 0x7FFF, eb = seB & 0x7FFF;
        int sign = (seA ^ seB) & 0x8000;
        if (!(isNormal(seA, mA) && isNormal(seB, mB))) {
            int ca = cls(seA, mA), cb = cls(seB, mB);
            if (ca >= QNAN || cb >= QNAN) {
                propagateNaN(seA, mA, ca, seB, mB, cb);
                return;
            }
            if ((ca == INF && cb == ZERO) || (ca == ZERO && cb == INF)) {
                invalid();
                return;
            }
            if (ca == DENORMAL || cb == DENORMAL) {
                ex |= DE;
            }
            if (ca == INF || cb == INF) {
                setResult(sign | 0x7FFF, INT_BIT);
                return;
            }
            if (ca == ZERO || cb == ZERO) {
                setResult(sign, 0);
                return;
            }
            if (ca == DENORMAL) {
                int s = Long.numberOfLeadingZeros(mA);
                mA <<= s;
                ea = 1 - s;
            }
            if (cb == DENORMAL) {
                int s = Long.numberOfLeadingZeros(mB);
                mB <<= s;
                eb = 1 - s;
            }
        }
        long hi = Math.unsignedMultiplyHigh(mA, mB);
        long lo = mA * mB;
        int e = ea + eb - BIAS + 1;
        if (hi >= 0) {
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            e--;
        }
        roundExt(sign, e, hi, lo);
    }

    // ---------------------------------------------------------------- divide

    void div(int seA, long mA, int seB, long mB) {
        int ea = seA & 0x7FFF, eb = seB & 0x7FFF;
        int sign = (seA ^ seB) & 0x8000;
        if (!(isNormal(seA, mA) && isNormal(seB, mB))) {
            int ca = cls(seA, mA), cb = cls(seB, mB);
            if (ca >= QNAN || cb >= QNAN) {
                propagateNaN(seA, mA, ca, seB, mB, cb);
                return;
            }
            if ((ca == INF && cb == INF) || (ca == ZERO && cb == ZERO)) {
                invalid();
                return;
            }
            if (ca == DENORMAL || cb == DENORMAL) {
                ex |= DE;
            }
            if (ca == INF) {
                setResult(sign | 0x7FFF, INT_BIT);
                return;
            }
            if (cb == INF || ca == ZERO) {
                setResult(sign, 0);
                return;
            }
            if (cb == ZERO) {
                ex |= ZE; // finite non-zero / 0 (SDM Vol. 1 8.5.3)
                setResult(sign | 0x7FFF, INT_BIT);
                return;
            }
            if (ca == DENORMAL) {
                int s = Long.numberOfLeadingZeros(mA);
                mA <<= s;
                ea = 1 - s;
            }
            if (cb == DENORMAL) {
                int s = Long.numberOfLeadingZeros(mB);
                mB <<= s;
                eb = 1 - s;
            }
        }
        long hi, lo;
        int e;
        if (Long.compareUnsigned(mA, mB) >= 0) {
            // Quotient in [1, 2): 1 + (mA - mB)/mB, 128 fraction bits from two long divisions.
            long q1 = divlu(mA - mB, 0, mB);
            long q2 = divlu(divRem, 0, mB);
            long sticky = (q2 & 1) | (divRem != 0 ? 1 : 0);
            hi = INT_BIT | (q1 >>> 1);
            lo = (q1 << 63) | (q2 >>> 1) | sticky;
            e = ea - eb + BIAS;
        } else {
            long q1 = divlu(mA, 0, mB); // in [2^63, 2^64) since mA >= mB / 2
            long q2 = divlu(divRem, 0, mB);
            hi = q1;
            lo = q2 | (divRem != 0 ? 1 : 0);
            e = ea - eb + BIAS - 1;
        }
        roundExt(sign, e, hi, lo);
    }

    /**
     * Unsigned (u1:u0) / v for u1 < v and v with bit 63 set (always true for a normalized significand), by
     * two 64/32-bit digit steps (Knuth's algorithm D, as in Hacker's Delight "divlu"). Remainder in divRem.
     */
    private long divlu(long u1, long u0, long v) {
        final long b = 1L << 32;
        long vn1 = v >>> 32, vn0 = v & 0xFFFFFFFFL;
        long un1 = u0 >>> 32, un0 = u0 & 0xFFFFFFFFL;
        long q1 = Long.divideUnsigned(u1, vn1);
        long rhat = u1 - q1 * vn1;
        while (Long.compareUnsigned(q1, b) >= 0 || Long.compareUnsigned(q1 * vn0, (rhat << 32) + un1) > 0) {
            q1--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, b) >= 0) {
                break;
            }
        }
        long un21 = (u1 << 32) + un1 - q1 * v;
        long q0 = Long.divideUnsigned(un21, vn1);
        rhat = un21 - q0 * vn1;
        while (Long.compareUnsigned(q0, b) >= 0 || Long.compareUnsigned(q0 * vn0, (rhat << 32) + un0) > 0) {
            q0--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, b) >= 0) {
                break;
            }
        }
        divRem = (un21 << 32) + un0 - q0 * v;
        return (q1 << 32) | q0;
    }

    // ---------------------------------------------------------------- square root

    void sqrt(int seA, long mA) {
        int ea = seA & 0x7FFF;
        int ca = cls(seA, mA);
        if (ca != NORMAL) {
            if (ca >= QNAN) {
                propagateNaN1(seA, mA, ca);
                return;
            }
            if (ca == ZERO) {
                setResult(seA, 0); // sqrt(-0) = -0
                return;
            }
            if ((seA & 0x8000) != 0) {
                invalid();
                return;
            }
            if (ca == INF) {
                setResult(seA, mA);
                return;
            }
            ex |= DE;
            int s = Long.numberOfLeadingZeros(mA);
            mA <<= s;
            ea = 1 - s;
        } else if ((seA & 0x8000) != 0) {
            invalid();
            return;
        }
        int e = ea - BIAS;
        long nh, nl;
        if ((e & 1) == 0) {
            nh = mA >>> 1;
            nl = mA << 63;
        } else {
            nh = mA;
            nl = 0;
            e--;
        }
        // N = nh:nl in [2^126, 2^128); R = floor(sqrt(N)) in [2^63, 2^64). Start above the root (a double
        // estimate plus a margin), one Newton step from above, then step down until R^2 <= N.
        double approx = Math.sqrt(((nh >>> 1) * 2.0 + 1.0) * 0x1p64);
        long r = approx >= 0x1p64 ? -1L : ((long) (approx * 0.5)) << 1;
        r = Long.compareUnsigned(r, -1L - (1L << 16)) > 0 ? -1L : r + (1L << 16);
        long qn = divlu(nh, nl, r);
        r = (r >>> 1) + (qn >>> 1) + (r & qn & 1);
        while (true) {
            long sh = Math.unsignedMultiplyHigh(r, r), sl = r * r;
            int c = Long.compareUnsigned(sh, nh);
            if (c > 0 || (c == 0 && Long.compareUnsigned(sl, nl) > 0)) {
                r--;
            } else {
                long remLo = nl - sl;
                long remHi = nh - sh - (Long.compareUnsigned(nl, sl) < 0 ? 1 : 0);
                // Half-way is impossible for a square root, so rem > R means above the midpoint.
                boolean aboveHalf = remHi != 0 || Long.compareUnsigned(remLo, r) > 0;
                long lo = (aboveHalf ? INT_BIT : 0) | ((remHi | remLo) != 0 ? 1 : 0);
                roundExt(0, e / 2 + BIAS, r, lo);
                return;
            }
        }
    }

    // ---------------------------------------------------------------- compare

    static final int GT = 0, LT = 1, EQ = 2, UNORDERED = 3;

    /** Compares a with b; {@code quiet}: FUCOM rules (QNaN operands do not raise IE). */
    int compare(int seA, long mA, int seB, long mB, boolean quiet) {
        int ca = cls(seA, mA), cb = cls(seB, mB);
        if (ca >= QNAN || cb >= QNAN) {
            if (!quiet || ca != QNAN || cb != QNAN) {
                if (!quiet || ca == SNAN || cb == SNAN || ca == UNSUPPORTED || cb == UNSUPPORTED) {
                    ex |= IE;
                }
            }
            return UNORDERED;
        }
        if (ca == DENORMAL || cb == DENORMAL) {
            ex |= DE;
        }
        boolean negA = (seA & 0x8000) != 0, negB = (seB & 0x8000) != 0;
        if (ca == ZERO || cb == ZERO) {
            if (ca == ZERO && cb == ZERO) {
                return EQ;
            }
            if (ca == ZERO) {
                return negB ? GT : LT;
            }
            return negA ? LT : GT;
        }
        if (negA != negB) {
            return negA ? LT : GT;
        }
        int ea = seA & 0x7FFF, eb = seB & 0x7FFF;
        if (ea == 0) {
            int s = Long.numberOfLeadingZeros(mA);
            mA <<= s;
            ea = 1 - s;
        }
        if (eb == 0) {
            int s = Long.numberOfLeadingZeros(mB);
            mB <<= s;
            eb = 1 - s;
        }
        int c = ea != eb ? Integer.compare(ea, eb) : Long.compareUnsigned(mA, mB);
        if (c == 0) {
            return EQ;
        }
        return (c > 0) != negA ? GT : LT;
    }

    // ---------------------------------------------------------------- integer rounding

    /**
     * Rounds a finite value to an integer magnitude in the current rounding mode (PE and up set when inexact).
     * {@link #intOverflow} when the magnitude does not fit in 64 bits.
     */
    long roundToInt(int se, long m) {
        intOverflow = false;
        int sign = se & 0x8000;
        int e = se & 0x7FFF;
        if (m == 0) {
            return 0;
        }
        if (e == 0) {
            e = 1; // denormals and pseudo-denormals: tiny, their bits are all fraction
        }
        int ue = e - BIAS;
        if (ue >= 64) {
            intOverflow = true;
            return 0;
        }
        if (ue == 63) {
            return m;
        }
        long q, r;
        if (ue >= 0) {
            int shift = 63 - ue;
            q = m >>> shift;
            r = m << (64 - shift);
        } else if (ue == -1) {
            q = 0;
            r = m;
        } else {
            q = 0;
            r = ue >= -64 ? (m >>> (-ue - 1)) | ((m << (64 + ue + 1)) != 0 ? 1 : 0) : 1;
            if (r == 0) {
                r = 1;
            }
        }
        if (r != 0) {
            ex |= PE;
            if (roundUp(sign, q, r)) {
                up = true;
                q++;
                if (q == 0) {
                    intOverflow = true; // 2^64
                }
            } else {
                up = false;
            }
        }
        return q;
    }

    /** FRNDINT (SDM Vol. 2A): round ST0 to an integer in the current rounding mode, not affected by PC. */
    void rndint(int se, long m) {
        int c = cls(se, m);
        if (c != NORMAL && c != DENORMAL) {
            if (c >= QNAN) {
                propagateNaN1(se, m, c);
            } else {
                setResult(se, m);
            }
            return;
        }
        if (c == DENORMAL) {
            ex |= DE;
        }
        if ((se & 0x7FFF) >= BIAS + 63) {
            setResult(se, m);
            return;
        }
        long q = roundToInt(se, m);
        if (intOverflow) { // 2^64 cannot happen below 2^63; kept for safety
            setResult((se & 0x8000) | (BIAS + 64), INT_BIT);
        } else if (q == 0) {
            setResult(se & 0x8000, 0);
        } else {
            int s = Long.numberOfLeadingZeros(q);
            setResult((se & 0x8000) | (BIAS + 63 - s), q << s);
        }
    }

    // ---------------------------------------------------------------- FPREM / FPREM1

    /**
     * Partial remainder of a by b (SDM Vol. 2A FPREM, FPREM1): exact. When the exponent difference D is 64 or
     * more only a partial reduction by N bits is done (C2=1); N is implementation dependent between 32 and 63;
     * we use AMD's documented choice N = 32 + (D mod 32) (AMD64 APM Vol. 5, FPREM), which also makes the
     * reduction steps deterministic. Result in rSe/rMan, quotient bits in quot, partial flag.
     */
    void prem(int seA, long mA, int seB, long mB, boolean ieee) {
        quot = 0;
        partial = false;
        int ca = cls(seA, mA), cb = cls(seB, mB);
        if (ca != NORMAL || cb != NORMAL) {
            if (ca >= QNAN || cb >= QNAN) {
                propagateNaN(seA, mA, ca, seB, mB, cb);
                return;
            }
            if (ca == INF || cb == ZERO) {
                invalid();
                return;
            }
            if (ca == DENORMAL || cb == DENORMAL) {
                ex |= DE;
            }
            if (cb == INF || ca == ZERO) {
                setResult(seA, mA);
                return;
            }
        }
        int ea = seA & 0x7FFF, eb = seB & 0x7FFF;
        long origA = mA;
        if (ea == 0) {
            int s = Long.numberOfLeadingZeros(mA);
            mA <<= s;
            ea = 1 - s;
        }
        if (eb == 0) {
            int s = Long.numberOfLeadingZeros(mB);
            mB <<= s;
            eb = 1 - s;
        }
        int signA = seA & 0x8000;
        int d = ea - eb;
        if (d < 0) {
            if (ieee && d == -1 && Long.compareUnsigned(mA, mB) > 0) {
                // |a| > |b|/2: quotient rounds to 1, remainder b - a with the opposite sign, exact.
                long r = (mB - mA) + mB;
                quot = 1;
                normalizeRemainder(signA ^ 0x8000, eb - 1, r);
            } else {
                setResult(seA, origA); // |a| < |b|: a is the remainder, unchanged
            }
            return;
        }
        int n = d;
        if (d >= 64) {
            partial = true;
            n = 32 + (d % 32);
        }
        long hi = n == 0 ? 0 : mA >>> (64 - n);
        long lo = mA << n;
        long q = divlu(hi, lo, mB);
        long r = divRem;
        int sign = signA;
        if (ieee && !partial) {
            long other = mB - r;
            int c = Long.compareUnsigned(r, other);
            if (c > 0 || (c == 0 && (q & 1) != 0)) {
                q++;
                r = other;
                sign ^= 0x8000;
            }
        }
        if (!partial) {
            quot = (int) (q & 7);
        }
        normalizeRemainder(sign, eb + (d - n), r);
    }

    private void normalizeRemainder(int sign, int unitExp, long r) {
        if (r == 0) {
            setResult(sign, 0);
            return;
        }
        int s = Long.numberOfLeadingZeros(r);
        // exact: only a tiny result can need denormalization, and that loses no bits
        round(sign, unitExp - s, r << s, 0, 64, EXT_EMIN, EXT_EMAX, true);
    }

    // ---------------------------------------------------------------- FSCALE / FXTRACT

    /** FSCALE (SDM Vol. 2A table 3-46): a * 2^trunc(b), not affected by PC. */
    void scale(int seA, long mA, int seB, long mB) {
        int ca = cls(seA, mA), cb = cls(seB, mB);
        if (ca >= QNAN || cb >= QNAN) {
            propagateNaN(seA, mA, ca, seB, mB, cb);
            return;
        }
        if (ca == DENORMAL || cb == DENORMAL) {
            ex |= DE;
        }
        if (cb == INF) {
            boolean negB = (seB & 0x8000) != 0;
            if ((ca == ZERO && !negB) || (ca == INF && negB)) {
                invalid(); // 0 * 2^+inf, inf * 2^-inf
            } else if (ca == ZERO || ca == INF) {
                setResult(seA, mA);
            } else {
                setResult(negB ? (seA & 0x8000) : (seA | 0x7FFF), negB ? 0 : INT_BIT);
            }
            return;
        }
        if (ca == ZERO || ca == INF) {
            setResult(seA, mA);
            return;
        }
        int eb = seB & 0x7FFF;
        int n;
        int ue = eb - BIAS;
        if (cb == ZERO || cb == DENORMAL || ue < 0) {
            n = 0;
        } else if (ue >= 20) {
            n = 1 << 20; // far beyond the exponent range: saturate, the result overflows or underflows
        } else {
            n = (int) (mB >>> (63 - ue));
        }
        if ((seB & 0x8000) != 0) {
            n = -n;
        }
        int ea = seA & 0x7FFF;
        if (ea == 0) {
            int s = Long.numberOfLeadingZeros(mA);
            mA <<= s;
            ea = 1 - s;
        }
        round(seA & 0x8000, ea + n, mA, 0, 64, EXT_EMIN, EXT_EMAX, true);
    }
}
