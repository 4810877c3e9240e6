package dev.hyperbundle.interp.core;

/**
 * Integer arithmetic with its flag effects (SDM Vol. 2, the Flags Affected sections). Results are
 * returned unmasked where the caller masks by operand size when storing.
 */
final class Alu {
    static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

    private Alu() {
    }

    static int mask(int size) {
        return size == 4 ? -1 : (1 << (size * 8)) - 1;
    }

    static int signExtend(int size, int v) {
        return size == 1 ? (byte) v : size == 2 ? (short) v : v;
    }

    /** The eight classic ALU operations of opcodes 00-3F and group 1. */
    static int binary(Flags f, int op, int size, int a, int b) {
        int r;
        switch (op) {
            case ADD -> { r = a + b; f.set(Flags.ADD, size, a, b, r); }
            case OR -> { r = a | b; f.set(Flags.LOGIC, size, a, b, r); }
            case ADC -> {
                int c = f.cf() ? 1 : 0;
                r = a + b + c;
                f.set(c != 0 ? Flags.ADC : Flags.ADD, size, a, b, r);
            }
            case SBB -> {
                int c = f.cf() ? 1 : 0;
                r = a - b - c;
                f.set(c != 0 ? Flags.SBB : Flags.SUB, size, a, b, r);
            }
            case AND -> { r = a & b; f.set(Flags.LOGIC, size, a, b, r); }
            case XOR -> { r = a ^ b; f.set(Flags.LOGIC, size, a, b, r); }
            default -> { r = a - b; f.set(Flags.SUB, size, a, b, r); } // SUB, CMP
        }
        return r & mask(size);
    }

    /**
     * Group 2 shifts and rotates. The count is masked to 5 bits (SDM Vol. 2B, SAL/SAR/SHL/SHR: "The count
     * is masked to 5 bits"); a masked count of 0 changes no flag. Rotates change only CF and OF. Where OF
     * is undefined (count > 1) we use the count-1 formula, as P6 hardware does.
     */
    static int shift(Flags f, int op, int size, int v, int count) {
        count &= 0x1f;
        v &= mask(size);
        if (count == 0) {
            return v;
        }
        // One small method per operation, so that a caller's JIT compilation can inline the one it runs.
        return switch (op) {
            case 0 -> rol(f, size, v, count);
            case 1 -> ror(f, size, v, count);
            case 2 -> rcl(f, size, v, count);
            case 3 -> rcr(f, size, v, count);
            case 4, 6 -> shl(f, size, v, count);
            case 5 -> shr(f, size, v, count);
            default -> sar(f, size, v, count);
        };
    }

    // The operations of shift(): v is masked to the operand size, count is 1-31.

    private static int rol(Flags f, int size, int v, int count) {
        int bits = size * 8;
        int n = count % bits;
        int r = ((v << n) | (v >>> (bits - n))) & mask(size);
        boolean cf = (r & 1) != 0;
        rotateFlags(f, cf, ((r & (1 << (bits - 1))) != 0) != cf);
        return r;
    }

    private static int ror(Flags f, int size, int v, int count) {
        int bits = size * 8;
        int n = count % bits;
        int sign = 1 << (bits - 1);
        int r = ((v >>> n) | (v << (bits - n))) & mask(size);
        rotateFlags(f, (r & sign) != 0, ((r ^ (r << 1)) & sign) != 0);
        return r;
    }

    /** RCL: rotate through CF, count modulo bits + 1 (the CF:DEST value is bits + 1 wide, unsigned). */
    private static int rcl(Flags f, int size, int v, int count) {
        int bits = size * 8;
        int n = count % (bits + 1);
        long wide = (f.cf() ? 1L << bits : 0) | Integer.toUnsignedLong(v);
        for (int k = 0; k < n; k++) {
            wide = ((wide << 1) | (wide >>> bits)) & ((1L << (bits + 1)) - 1);
        }
        int r = (int) wide & mask(size);
        boolean cf = (wide >>> bits) != 0;
        rotateFlags(f, cf, ((r & (1 << (bits - 1))) != 0) != cf);
        return r;
    }

    private static int rcr(Flags f, int size, int v, int count) {
        int bits = size * 8;
        int n = count % (bits + 1);
        boolean oldCf = f.cf();
        long wide = (oldCf ? 1L << bits : 0) | Integer.toUnsignedLong(v);
        boolean of = ((v & (1 << (bits - 1))) != 0) != oldCf;
        for (int k = 0; k < n; k++) {
            wide = ((wide >>> 1) | ((wide & 1) << bits)) & ((1L << (bits + 1)) - 1);
        }
        rotateFlags(f, (wide >>> bits) != 0, of);
        return (int) wide & mask(size);
    }

    private static int shl(Flags f, int size, int v, int count) {
        int bits = size * 8;
        long wide = (long) v << count;
        int r = (int) wide & mask(size);
        boolean cf = count <= bits && ((wide >>> bits) & 1) != 0;
        f.setResultFlags(size, r, cf, ((r & (1 << (bits - 1))) != 0) != cf, false);
        return r;
    }

    private static int shr(Flags f, int size, int v, int count) {
        int bits = size * 8;
        int r = count >= bits ? 0 : v >>> count;
        boolean cf = count <= bits && ((v >>> (count - 1)) & 1) != 0;
        f.setResultFlags(size, r, cf, (v & (1 << (bits - 1))) != 0 && count == 1, false);
        return r;
    }

    private static int sar(Flags f, int size, int v, int count) {
        int bits = size * 8;
        int sv = signExtend(size, v);
        int c = Math.min(count, bits);
        int r = (sv >> Math.min(c, 31)) & mask(size);
        boolean cf = ((sv >> Math.min(c - 1, 31)) & 1) != 0;
        f.setResultFlags(size, r, cf, false, false);
        return r;
    }

    private static void rotateFlags(Flags f, boolean cf, boolean of) {
        f.materialize();
        f.bits = (f.bits & ~(Flags.CF | Flags.OF)) | (cf ? Flags.CF : 0) | (of ? Flags.OF : 0);
    }

    /** SHLD/SHRD (SDM Vol. 2B): count masked to 5 bits; a count above the operand size leaves the result undefined. */
    static int doubleShift(Flags f, boolean left, int size, int dst, int src, int count) {
        count &= 0x1f;
        int bits = size * 8;
        int m = mask(size);
        dst &= m;
        src &= m;
        if (count == 0) {
            return dst;
        }
        int sign = 1 << (bits - 1);
        int r;
        boolean cf;
        if (size == 2) {
            // 16-bit: treat as a 32-bit dst:src pair (P6 behaviour for counts above 16).
            if (left) {
                long shifted = (((long) dst << 16 | src) << count);
                r = (int) (shifted >>> 16) & m;
                cf = ((shifted >>> 32) & 1) != 0;
            } else {
                long wide = ((long) src << 16 | dst);
                r = (int) (wide >>> count) & m;
                cf = ((wide >>> (count - 1)) & 1) != 0;
            }
        } else if (left) {
            long wide = ((long) dst << 32 | Integer.toUnsignedLong(src)) << count;
            r = (int) (wide >>> 32);
            cf = ((Integer.toUnsignedLong(dst) >>> (32 - count)) & 1) != 0;
        } else {
            long wide = (Integer.toUnsignedLong(src) << 32 | Integer.toUnsignedLong(dst)) >>> count;
            r = (int) wide;
            cf = ((Integer.toUnsignedLong(dst) >>> (count - 1)) & 1) != 0;
        }
        f.setResultFlags(size, r, cf, ((r ^ dst) & sign) != 0, false);
        return r & m;
    }
}
