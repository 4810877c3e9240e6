package dev.hyperbundle.interp.x87;

/**
 * What the x87 unit needs from the CPU core. Memory methods take linear addresses and may throw the core's
 * fault exception (a RuntimeException), which must propagate unchanged; the x87 unit does not change FPU state
 * before all memory reads of an instruction succeeded (precise restart after a page fault).
 */
public interface X87Bus {
    int read8(int linear);

    int read16(int linear);

    int read32(int linear);

    long read64(int linear);

    void write8(int linear, int value);

    void write16(int linear, int value);

    void write32(int linear, int value);

    void write64(int linear, long value);

    /** FCOMI/FUCOMI(P) write ZF/PF/CF and clear OF/SF/AF; FCMOVcc reads flags. */
    int eflags();

    void setEflags(int eflags);

    /** FNSTSW AX (DF E0). */
    void setAx(int value);
}
