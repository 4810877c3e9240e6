package dev.hyperbundle.interp.core;

/**
 * The byte registers AL, CL, DL, BL, AH, CH, DH, BH (encodings 0-7, SDM Vol. 2A, 2.1.5) without branches:
 * register r lives in gpr[r & 3] at bit (r & 4) << 1.
 */
final class Reg8 {
    private Reg8() {
    }

    static int get(int[] g, int r) {
        return (g[r & 3] >>> ((r & 4) << 1)) & 0xff;
    }

    static void set(int[] g, int r, int v) {
        int shift = (r & 4) << 1;
        int i = r & 3;
        g[i] = (g[i] & ~(0xff << shift)) | (v & 0xff) << shift;
    }
}
