package dev.hyperbundle.interp.core;

/**
 * EFLAGS with lazily evaluated arithmetic flags. Arithmetic instructions record their operands and
 * result ({@link #set}); CF/PF/AF/ZF/SF/OF are computed only when read. Everything else (IF, DF, TF,
 * IOPL, NT, AC, ID ...) lives in {@link #bits}. When {@link #op} is {@link #NONE} the arithmetic flags
 * are in {@link #bits} as well.
 */
public final class Flags {
    public static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8, IF = 1 << 9,
            DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18,
            VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
    public static final int ARITH = CF | PF | AF | ZF | SF | OF;
    /** Bit 1 is always 1 (SDM Vol. 1, 3.4.3). */
    public static final int FIXED = 2;

    /** Operation kinds whose flags are derived from (dst, src, result). */
    public static final int NONE = 0, ADD = 1, ADC = 2, SUB = 3, SBB = 4, LOGIC = 5, INC = 6, DEC = 7;

    public int bits = FIXED;
    public int op = NONE;
    /** Operand size in bytes (1, 2, 4). */
    public int size;
    public int dst;
    public int src;
    public int result;
    /** For INC/DEC: CF before the instruction (INC and DEC leave CF unchanged). */
    public boolean carryIn;

    private static final byte[] PARITY = new byte[256];

    static {
        for (int i = 0; i < 256; i++) {
            PARITY[i] = (byte) ((Integer.bitCount(i) & 1) == 0 ? PF : 0);
        }
    }

    /** Copies another flags value (the executor snapshots flags so a faulting instruction leaves them unchanged). */
    public void copyFrom(Flags o) {
        bits = o.bits;
        op = o.op;
        size = o.size;
        dst = o.dst;
        src = o.src;
        result = o.result;
        carryIn = o.carryIn;
    }

    /** Records an arithmetic result; values need not be masked. */
    public void set(int op, int size, int dst, int src, int result) {
        this.op = op;
        this.size = size;
        this.dst = dst;
        this.src = src;
        this.result = result;
    }

    public void setIncDec(int op, int size, int dst, int result) {
        boolean c = cf();
        set(op, size, dst, 1, result);
        carryIn = c;
    }

    private int mask() {
        return size == 4 ? -1 : (1 << (size * 8)) - 1;
    }

    private int signBit() {
        return 1 << (size * 8 - 1);
    }

    public boolean cf() {
        int m = mask();
        int d = dst & m;
        int s = src & m;
        int r = result & m;
        return switch (op) {
            case NONE -> (bits & CF) != 0;
            case ADD -> Integer.compareUnsigned(r, d) < 0;
            case ADC -> Integer.compareUnsigned(r, d) < 0 || (r == d && s != 0);
            case SUB -> Integer.compareUnsigned(d, s) < 0;
            case SBB -> Integer.compareUnsigned(d, s) < 0 || (d == s && ((d - s - r) & m) != 0);
            case INC, DEC -> carryIn;
            default -> false;
        };
    }

    public boolean zf() {
        return op == NONE ? (bits & ZF) != 0 : (result & mask()) == 0;
    }

    public boolean sf() {
        return op == NONE ? (bits & SF) != 0 : (result & signBit()) != 0;
    }

    public boolean of() {
        int sign = signBit();
        return switch (op) {
            case NONE -> (bits & OF) != 0;
            case ADD, ADC, INC -> ((dst ^ result) & (src ^ result) & sign) != 0;
            case SUB, SBB, DEC -> ((dst ^ src) & (dst ^ result) & sign) != 0;
            default -> false;
        };
    }

    public boolean pf() {
        return op == NONE ? (bits & PF) != 0 : PARITY[result & 0xff] != 0;
    }

    public boolean af() {
        return switch (op) {
            case NONE -> (bits & AF) != 0;
            case LOGIC -> false; // undefined after logic ops (SDM Vol. 2A, AND); hardware leaves 0
            default -> ((dst ^ src ^ result) & 0x10) != 0;
        };
    }

    /** The full EFLAGS value, arithmetic flags evaluated (the rules of {@link #cf()} ... {@link #of()} in one pass). */
    public int get() {
        if (op == NONE) {
            return bits;
        }
        int m = mask();
        int sign = signBit();
        int f = (bits & ~ARITH) | PARITY[result & 0xff];
        if ((result & m) == 0) f |= ZF;
        if ((result & sign) != 0) f |= SF;
        if (op == LOGIC) {
            return f;
        }
        if (((dst ^ src ^ result) & 0x10) != 0) f |= AF;
        boolean c;
        boolean o;
        switch (op) {
            case ADD, ADC, INC -> o = ((dst ^ result) & (src ^ result) & sign) != 0;
            default -> o = ((dst ^ src) & (dst ^ result) & sign) != 0;
        }
        int d = dst & m;
        int s = src & m;
        int r = result & m;
        switch (op) {
            case ADD -> c = Integer.compareUnsigned(r, d) < 0;
            case ADC -> c = Integer.compareUnsigned(r, d) < 0 || (r == d && s != 0);
            case SUB -> c = Integer.compareUnsigned(d, s) < 0;
            case SBB -> c = Integer.compareUnsigned(d, s) < 0 || (d == s && ((d - s - r) & m) != 0);
            default -> c = carryIn; // INC, DEC
        }
        if (c) f |= CF;
        if (o) f |= OF;
        return f;
    }

    /** Evaluates the lazy flags into {@link #bits}. */
    public void materialize() {
        if (op != NONE) {
            bits = get();
            op = NONE;
        }
    }

    /** Replaces the whole register (bit 1 forced, reserved bits 3, 5, 15 cleared). */
    public void setAll(int value) {
        op = NONE;
        bits = (value | FIXED) & ~(1 << 3 | 1 << 5 | 1 << 15) & 0x3f7fff;
    }

    /** Sets the arithmetic flags eagerly from a full flags value (for rotates, multiply, BCD...). */
    public void setArith(int value) {
        bits = (bits & ~ARITH) | (value & ARITH);
        op = NONE;
    }

    /** Sets flags for a result of a logic-like op with explicit CF and OF (shifts, multiplies). */
    public void setResultFlags(int size, int result, boolean cf, boolean of, boolean af) {
        this.size = size;
        int m = mask();
        int f = PARITY[result & 0xff];
        if ((result & m) == 0) f |= ZF;
        if ((result & signBit()) != 0) f |= SF;
        if (cf) f |= CF;
        if (of) f |= OF;
        if (af) f |= AF;
        bits = (bits & ~ARITH) | f;
        op = NONE;
    }

    /** Sets or clears CF alone, the other flags evaluated first (CLC, STC, CMC, BT and its kin). */
    public void setCarry(boolean c) {
        materialize();
        bits = c ? bits | CF : bits & ~CF;
    }

    public boolean isSet(int flag) {
        return (bits & flag) != 0;
    }

    /** Evaluates condition code cc (0-15) as in Jcc/SETcc/CMOVcc (SDM Vol. 1, appendix B). */
    public boolean condition(int cc) {
        // Small pieces, so that callers' JIT compilations inline the common ones.
        if (op == SUB) {
            return subCondition(cc);
        }
        if (op == LOGIC) {
            return logicCondition(cc);
        }
        return slowCondition(cc);
    }

    /**
     * After CMP/SUB the conditions are comparisons of the two operands. Shifting them left by 32 - bits puts
     * the operand's sign at bit 31, so plain int compares give the unsigned and signed relations.
     */
    private boolean subCondition(int cc) {
        int shift = 32 - size * 8;
        int d = dst << shift;
        int s = src << shift;
        boolean r = switch (cc >>> 1) {
            case 1 -> Integer.compareUnsigned(d, s) < 0;
            case 2 -> d == s;
            case 3 -> Integer.compareUnsigned(d, s) <= 0;
            case 6 -> d < s;
            case 7 -> d <= s;
            default -> slowCondition(cc & ~1); // O, S, P
        };
        return r != ((cc & 1) != 0);
    }

    /** After a logic operation CF = OF = 0. */
    private boolean logicCondition(int cc) {
        int r = result << (32 - size * 8);
        boolean v = switch (cc >>> 1) {
            case 0, 1 -> false;
            case 2, 3 -> r == 0;
            case 4, 6 -> r < 0;
            case 7 -> r <= 0;
            default -> PARITY[result & 0xff] != 0; // P
        };
        return v != ((cc & 1) != 0);
    }

    private boolean slowCondition(int cc) {
        boolean r = switch (cc >>> 1) {
            case 0 -> of();
            case 1 -> cf();
            case 2 -> zf();
            case 3 -> cf() || zf();
            case 4 -> sf();
            case 5 -> pf();
            case 6 -> sf() != of();
            default -> zf() || sf() != of();
        };
        return r != ((cc & 1) != 0);
    }
}
