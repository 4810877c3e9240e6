package dev.hyperbundle.interp.x87;

/**
 * Memory images of the FPU state: the FLDENV/FNSTENV environment in its four layouts, FNSAVE/FRSTOR
 * (environment plus ST0-ST7, SDM Vol. 1 8.1.10 figures 8-9 to 8-12) and the 512-byte FXSAVE/FXRSTOR image
 * (SDM Vol. 2A FXSAVE, table 3-53 without SSE state).
 *
 * <p>Reserved upper halves of the 32-bit layouts are written as FFFF, as Intel processors do (SDM Vol. 1
 * figure 8-9 marks them reserved; the P6 family stores ones there). In the real-mode layouts the instruction
 * and operand pointers are 20-bit (16-bit image) or 32-bit linear addresses: FIP is computed as CS*16 + IP and
 * FDP is the linear address of the operand; loading such an image sets FCS and FDS to 0. The protected-mode
 * FDP is the operand's address as handed to us (linear, equal to the offset in flat segments).
 *
 * <p>All reads of a restore complete before any state changes (precise restart after a page fault).
 */
final class EnvImage {
    private final X87 x;
    // scratch for FRSTOR/FXRSTOR so that a faulting read leaves the FPU untouched
    private final long[] regMan = new long[8];
    private final int[] regSe = new int[8];

    EnvImage(X87 x) {
        this.x = x;
    }

    /** Size of the environment: 28 bytes with 32-bit operand size, 14 with 16-bit. */
    static int envSize(boolean op32) {
        return op32 ? 28 : 14;
    }

    private int linearIp() {
        return (x.fcs << 4) + x.fip;
    }

    void storeEnv(X87Bus bus, int ea, boolean op32, boolean realMode) {
        int fcw = x.fcw, fsw = x.status(), ftw = x.fullTag();
        if (op32) {
            bus.write32(ea, 0xFFFF0000 | fcw);
            bus.write32(ea + 4, 0xFFFF0000 | fsw);
            bus.write32(ea + 8, 0xFFFF0000 | ftw);
            if (realMode) {
                int ip = linearIp(), dp = x.fdp;
                bus.write32(ea + 12, 0xFFFF0000 | (ip & 0xFFFF));
                bus.write32(ea + 16, ((ip >>> 16) << 12) & 0x0FFFF000 | (x.fop & 0x7FF));
                bus.write32(ea + 20, 0xFFFF0000 | (dp & 0xFFFF));
                bus.write32(ea + 24, ((dp >>> 16) << 12) & 0x0FFFF000);
            } else {
                bus.write32(ea + 12, x.fip);
                bus.write32(ea + 16, (x.fop & 0x7FF) << 16 | (x.fcs & 0xFFFF));
                bus.write32(ea + 20, x.fdp);
                bus.write32(ea + 24, 0xFFFF0000 | (x.fds & 0xFFFF));
            }
        } else {
            bus.write16(ea, fcw);
            bus.write16(ea + 2, fsw);
            bus.write16(ea + 4, ftw);
            if (realMode) {
                int ip = linearIp(), dp = x.fdp;
                bus.write16(ea + 6, ip);
                bus.write16(ea + 8, ((ip >>> 16) & 0xF) << 12 | (x.fop & 0x7FF));
                bus.write16(ea + 10, dp);
                bus.write16(ea + 12, ((dp >>> 16) & 0xF) << 12);
            } else {
                bus.write16(ea + 6, x.fip);
                bus.write16(ea + 8, x.fcs);
                bus.write16(ea + 10, x.fdp);
                bus.write16(ea + 12, x.fds);
            }
        }
    }

    // values read by readEnv, committed by commitEnv
    private int eCw, eSw, eTw, eOp, eIp, eCs, eDp, eDs;

    private void readEnv(X87Bus bus, int ea, boolean op32, boolean realMode) {
        if (op32) {
            eCw = bus.read32(ea) & 0xFFFF;
            eSw = bus.read32(ea + 4) & 0xFFFF;
            eTw = bus.read32(ea + 8) & 0xFFFF;
            int w12 = bus.read32(ea + 12), w16 = bus.read32(ea + 16);
            int w20 = bus.read32(ea + 20), w24 = bus.read32(ea + 24);
            if (realMode) {
                eIp = (w12 & 0xFFFF) | ((w16 >>> 12) & 0xFFFF) << 16;
                eOp = w16 & 0x7FF;
                eCs = 0;
                eDp = (w20 & 0xFFFF) | ((w24 >>> 12) & 0xFFFF) << 16;
                eDs = 0;
            } else {
                eIp = w12;
                eCs = w16 & 0xFFFF;
                eOp = (w16 >>> 16) & 0x7FF;
                eDp = w20;
                eDs = w24 & 0xFFFF;
            }
        } else {
            eCw = bus.read16(ea) & 0xFFFF;
            eSw = bus.read16(ea + 2) & 0xFFFF;
            eTw = bus.read16(ea + 4) & 0xFFFF;
            int w6 = bus.read16(ea + 6) & 0xFFFF, w8 = bus.read16(ea + 8) & 0xFFFF;
            int w10 = bus.read16(ea + 10) & 0xFFFF, w12 = bus.read16(ea + 12) & 0xFFFF;
            if (realMode) {
                eIp = w6 | (w8 >>> 12) << 16;
                eOp = w8 & 0x7FF;
                eCs = 0;
                eDp = w10 | (w12 >>> 12) << 16;
                eDs = 0;
            } else {
                eIp = w6;
                eCs = w8;
                eOp = x.fop; // the 16-bit protected-mode image has no opcode field
                eDp = w10;
                eDs = w12;
            }
        }
    }

    /**
     * Commits a loaded environment. Only the "empty" meaning of the tag word is kept; the other tags are
     * recomputed from register contents whenever stored, which matches what the processor reports. ES and B
     * are recomputed from the loaded flags and masks (an unmasked flag makes the next waiting instruction fault).
     */
    private void commitEnv() {
        x.setControl(eCw);
        x.setStatus(eSw);
        x.setTagWord(eTw);
        x.fop = eOp;
        x.fip = eIp;
        x.fcs = eCs;
        x.fdp = eDp;
        x.fds = eDs;
        x.updateSummary();
    }

    void loadEnv(X87Bus bus, int ea, boolean op32, boolean realMode) {
        readEnv(bus, ea, op32, realMode);
        commitEnv();
    }

    /** FNSAVE: environment then ST0..ST7 as 10-byte values; the caller reinitializes the FPU afterwards. */
    void save(X87Bus bus, int ea, boolean op32, boolean realMode) {
        storeEnv(bus, ea, op32, realMode);
        int r = ea + envSize(op32);
        for (int i = 0; i < 8; i++) {
            int p = (x.top + i) & 7;
            bus.write64(r + 10 * i, x.man[p]);
            bus.write16(r + 10 * i + 8, x.se[p]);
        }
    }

    void restore(X87Bus bus, int ea, boolean op32, boolean realMode) {
        readEnv(bus, ea, op32, realMode);
        int r = ea + envSize(op32);
        for (int i = 0; i < 8; i++) {
            regMan[i] = bus.read64(r + 10 * i);
            regSe[i] = bus.read16(r + 10 * i + 8) & 0xFFFF;
        }
        commitEnv();
        for (int i = 0; i < 8; i++) {
            int p = (x.top + i) & 7; // image is in stack order, relative to the loaded TOP
            x.man[p] = regMan[i];
            x.se[p] = regSe[i];
        }
    }

    /**
     * FXSAVE: FCW, FSW, abridged tag (bit i = 1: Ri not empty), FOP, FIP, FCS, FDP, FDS, MXCSR = 0x1F80,
     * MXCSR_MASK = 0 (no SSE), ST0-ST7 in 16-byte slots with the 6 upper bytes zero, XMM0-7 as zero. Bytes
     * 288-511 are reserved or available to software and are not written.
     */
    void fxsave(X87Bus bus, int ea) {
        bus.write16(ea, x.fcw);
        bus.write16(ea + 2, x.status());
        bus.write8(ea + 4, ~x.empty & 0xFF);
        bus.write8(ea + 5, 0);
        bus.write16(ea + 6, x.fop);
        bus.write32(ea + 8, x.fip);
        bus.write32(ea + 12, x.fcs & 0xFFFF);
        bus.write32(ea + 16, x.fdp);
        bus.write32(ea + 20, x.fds & 0xFFFF);
        bus.write32(ea + 24, 0x1F80);
        bus.write32(ea + 28, 0);
        for (int i = 0; i < 8; i++) {
            int p = (x.top + i) & 7;
            int slot = ea + 32 + 16 * i;
            bus.write64(slot, x.man[p]);
            bus.write16(slot + 8, x.se[p]);
            bus.write16(slot + 10, 0);
            bus.write32(slot + 12, 0);
        }
        for (int off = 160; off < 288; off += 8) {
            bus.write64(ea + off, 0);
        }
    }

    void fxrstor(X87Bus bus, int ea) {
        int cw = bus.read16(ea) & 0xFFFF;
        int sw = bus.read16(ea + 2) & 0xFFFF;
        int tag = bus.read8(ea + 4) & 0xFF;
        int op = bus.read16(ea + 6) & 0x7FF;
        int ip = bus.read32(ea + 8);
        int cs = bus.read16(ea + 12) & 0xFFFF;
        int dp = bus.read32(ea + 16);
        int ds = bus.read16(ea + 20) & 0xFFFF;
        for (int i = 0; i < 8; i++) {
            int slot = ea + 32 + 16 * i;
            regMan[i] = bus.read64(slot);
            regSe[i] = bus.read16(slot + 8) & 0xFFFF;
        }
        x.setControl(cw);
        x.setStatus(sw);
        x.empty = ~tag & 0xFF;
        x.fop = op;
        x.fip = ip;
        x.fcs = cs;
        x.fdp = dp;
        x.fds = ds;
        for (int i = 0; i < 8; i++) {
            int p = (x.top + i) & 7;
            x.man[p] = regMan[i];
            x.se[p] = regSe[i];
        }
        x.updateSummary();
    }
}
