package dev.hyperbundle.interp.core;

/**
 * Pushes onto a stack that is not (yet) the current one: the new stack of a privilege change. Tracks its
 * own pointer; nothing in the CPU changes until the caller commits {@link #sp}.
 */
final class StackFrame {
    private final Cpu cpu;
    private final int base;
    private final boolean big;
    private final int user;
    int sp;

    StackFrame(Cpu cpu, int base, int sp, boolean big, int user) {
        this.cpu = cpu;
        this.base = base;
        this.sp = big ? sp : sp & 0xffff;
        this.big = big;
        this.user = user;
    }

    void push(int size, int value) {
        sp -= size;
        if (!big) {
            sp &= 0xffff;
        }
        int lin = base + sp;
        if (size == 4) {
            cpu.mmu.write32(lin, user, value);
        } else {
            cpu.mmu.write16(lin, user, value);
        }
    }

    /** The full ESP value to install, keeping ESP's upper half for a 16-bit stack. */
    int esp(int oldEsp) {
        return big ? sp : (oldEsp & 0xffff0000) | sp;
    }
}
