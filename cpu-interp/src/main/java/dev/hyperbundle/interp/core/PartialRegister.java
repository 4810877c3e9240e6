package dev.hyperbundle.interp.core;

/**
 * The 8- and 16-bit views of the general registers without branches on the register number: byte
 * register r (AL, CL, DL, BL, AH, CH, DH, BH = 0-7, SDM Vol. 2A, 2.1.5) lives in gpr[r & 3] at bit
 * (r & 4) << 1; word register r is the low half of gpr[r]. Writes keep the other bits.
 */
final class PartialRegister {
    private PartialRegister() {
    }

    static int get8(int[] g, int r) {
        return (g[r & 3] >>> ((r & 4) << 1)) & 0xff;
    }

    static void set8(int[] g, int r, int v) {
        int shift = (r & 4) << 1;
        int i = r & 3;
        g[i] = (g[i] & ~(0xff << shift)) | (v & 0xff) << shift;
    }

    /** Register r of an operand of size bytes (1 or 2). */
    static int get(int[] g, int size, int r) {
        return size == 1 ? get8(g, r) : g[r] & 0xffff;
    }

    static void set(int[] g, int size, int r, int v) {
        if (size == 1) {
            set8(g, r, v);
        } else {
            g[r] = (g[r] & 0xffff0000) | (v & 0xffff);
        }
    }
}
