package dev.hyperbundle.interp.core;

import dev.hyperbundle.cpu.Segment;

/**
 * The architectural state the semantics operate on, laid out for speed: registers in arrays, segment
 * descriptor caches as parallel arrays (ES..GS = 0..5, LDTR = 6, TR = 7), lazy flags, and the memory
 * accessors that apply segmentation (limit and type checks, SDM Vol. 3A, 5.3) before the {@link Mmu}.
 */
public final class Cpu {
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, LDTR = 6, TR = 7;
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final int CR0_PE = 1, CR0_MP = 2, CR0_EM = 4, CR0_TS = 8, CR0_ET = 0x10, CR0_NE = 0x20,
            CR0_WP = 0x10000, CR0_AM = 0x40000, CR0_PG = 0x80000000;

    /**
     * EAX..EDI, plus {@link #NO_REG} (always 0), which ops use for an absent base or index register so that
     * an effective address needs no branch.
     */
    public final int[] gpr = new int[9];
    public static final int NO_REG = 8;
    public int eip;
    public final Flags flags = new Flags();

    public final int[] segSel = new int[8];
    public final int[] segBase = new int[8];
    public final int[] segLimit = new int[8];
    /** Access rights in the VMX layout of {@link Segment}. */
    public final int[] segAr = new int[8];
    /** Expand-up writable data segment with base 0 and a 4 GiB limit: no checks needed. */
    final boolean[] segFlat = new boolean[8];
    /**
     * Expand-up writable data segment with a 4 GiB limit and any base (flat, or a thread-pointer segment such
     * as Linux's TLS in GS): no limit or type check can fail, the linear address is base + offset.
     */
    final boolean[] segOpen = new boolean[8];
    /** SS is flat and 32-bit (ESP, not SP): pushes and pops of dwords need no checks beyond paging. */
    boolean flatStack32;

    public int gdtBase, gdtLimit, idtBase, idtLimit;
    public int cr0 = 0x60000010;
    public int cr3;
    public int cr4;
    public final int[] dr = new int[8];
    public long tscOffset;
    public int sysenterCs, sysenterEsp, sysenterEip;

    /** Current privilege level; {@link #user} is 1 when CPL = 3 (page-level user access). */
    public int cpl;
    public int user;
    public boolean halted;
    /** Interrupts are inhibited until after the next instruction (STI, MOV SS, POP SS). */
    public int interruptShadow;
    public boolean nmiBlocked;
    /**
     * Set by every IN/OUT: the run loop ends its batch there so that a kick a device gave from inside the
     * access (a reset, a power-off, a pause) takes effect right after that instruction, as a KVM I/O exit does.
     */
    public boolean portAccessed;

    public final Mmu mmu;

    public Cpu(Mmu mmu) {
        this.mmu = mmu;
    }

    public boolean protectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    /** Virtual-8086 mode: EFLAGS.VM (it can be set only with CR0.PE = 1; SDM Vol. 3B, 20.2.1). */
    public boolean v86() {
        return (flags.bits & Flags.VM) != 0;
    }

    /**
     * Segment registers work as in real mode (selector * 16, no descriptors): real-address mode or virtual-8086
     * mode (SDM Vol. 3B, 20.2.1 "Enabling Virtual-8086 Mode").
     */
    public boolean realSegments() {
        return (flags.bits & Flags.VM) != 0 || (cr0 & CR0_PE) == 0;
    }

    /**
     * The access rights of every segment register in virtual-8086 mode: read/write data, accessed, DPL 3,
     * present, 16-bit, byte granular (the VMX layout's 0xF3 that VM entry requires there, SDM Vol. 3C, 26.3.1.2).
     */
    private static final int V86_AR = 0x3 | Segment.S | 3 << Segment.DPL_SHIFT | Segment.P;

    /**
     * Loads segment register s as virtual-8086 mode defines it: base = selector * 16, limit 0xFFFF, {@link #V86_AR}
     * for CS too (SDM Vol. 3B, 20.2.1 and 20.2.3 "Memory Management in Virtual-8086 Mode").
     */
    public void setV86Segment(int s, int selector) {
        selector &= 0xffff;
        setSegment(s, selector, selector << 4, 0xffff, V86_AR);
    }

    public boolean code32() {
        return (segAr[CS] & Segment.DB) != 0;
    }

    /**
     * The privilege class and code size that decide how code at an address is fetched and decoded
     * (bit 1: CPL 3, bit 0: 32-bit code): what cached code and its links are checked against. Virtual-8086
     * code is CPL 3, 16-bit: it decodes as 16-bit ring-3 protected-mode code at the same CS base does, and
     * 16-bit code is always run by {@link GenericOp}, whose semantics look at the mode when they run.
     */
    public int codeMode() {
        return user << 1 | ((segAr[CS] & Segment.DB) != 0 ? 1 : 0);
    }

    public boolean stack32() {
        return (segAr[SS] & Segment.DB) != 0;
    }

    public int iopl() {
        return (flags.bits >>> 12) & 3;
    }

    public void setCpl(int level) {
        cpl = level;
        user = level == 3 ? 1 : 0;
    }

    /** Loads a segment register's cache as is (no checks) and refreshes derived data. */
    public void setSegment(int s, int selector, int base, int limit, int ar) {
        segSel[s] = selector & 0xffff;
        segBase[s] = base;
        segLimit[s] = limit;
        segAr[s] = ar;
        segOpen[s] = limit == -1 && (ar & (Segment.UNUSABLE | Segment.S | 0xe)) == (Segment.S | 2);
        segFlat[s] = segOpen[s] && base == 0;
        if (s == SS) {
            flatStack32 = segFlat[SS] && (ar & Segment.DB) != 0;
        }
    }

    public void setControlRegisters(int cr0, int cr3, int cr4) {
        this.cr0 = cr0 | CR0_ET; // ET is hardwired to 1 on P6 (SDM Vol. 3A, 2.5)
        this.cr3 = cr3;
        this.cr4 = cr4;
        mmu.configure(this.cr0, cr3, cr4);
    }

    // ---- registers ---------------------------------------------------------------------------------

    public int reg8(int r) {
        return r < 4 ? gpr[r] & 0xff : (gpr[r - 4] >>> 8) & 0xff;
    }

    public void setReg8(int r, int v) {
        if (r < 4) {
            gpr[r] = (gpr[r] & ~0xff) | (v & 0xff);
        } else {
            gpr[r - 4] = (gpr[r - 4] & ~0xff00) | (v & 0xff) << 8;
        }
    }

    public int reg(int size, int r) {
        return switch (size) {
            case 1 -> reg8(r);
            case 2 -> gpr[r] & 0xffff;
            default -> gpr[r];
        };
    }

    public void setReg(int size, int r, int v) {
        switch (size) {
            case 1 -> setReg8(r, v);
            case 2 -> gpr[r] = (gpr[r] & 0xffff0000) | (v & 0xffff);
            default -> gpr[r] = v;
        }
    }

    // ---- segmented memory --------------------------------------------------------------------------

    /** The linear address of seg:off for an access of size bytes, after limit and type checks. */
    public int linear(int s, int off, int size, boolean write) {
        if (segOpen[s]) {
            return segBase[s] + off;
        }
        return segBase[s] + checkedOffset(s, off, size, write);
    }

    private int checkedOffset(int s, int off, int size, boolean write) {
        int ar = segAr[s];
        if ((ar & Segment.UNUSABLE) != 0 && protectedMode()) {
            throw segmentFault(s);
        }
        int type = ar & 0xf;
        if (protectedMode()) {
            boolean code = (type & 8) != 0;
            if (write ? code || (type & 2) == 0 : code && (type & 2) == 0) {
                throw segmentFault(s); // write to code or read-only data, read of execute-only code
            }
        }
        int last = off + size - 1;
        int limit = segLimit[s];
        if ((type & 0xc) == 4) { // expand-down data: valid offsets are (limit, upper]
            int upper = (ar & Segment.DB) != 0 ? -1 : 0xffff;
            if (Integer.compareUnsigned(off, limit) <= 0 || Integer.compareUnsigned(last, upper) > 0
                    || Integer.compareUnsigned(last, off) < 0) {
                throw segmentFault(s);
            }
        } else if (Integer.compareUnsigned(last, limit) > 0 || Integer.compareUnsigned(last, off) < 0) {
            throw segmentFault(s);
        }
        return off;
    }

    private static CpuFault segmentFault(int s) {
        return s == SS ? new CpuFault(CpuFault.SS, 0) : CpuFault.gp(0);
    }

    public int read8(int s, int off) {
        return mmu.read8(linear(s, off, 1, false), user);
    }

    public int read16(int s, int off) {
        return mmu.read16(linear(s, off, 2, false), user);
    }

    public int read32(int s, int off) {
        return mmu.read32(linear(s, off, 4, false), user);
    }

    public int read(int size, int s, int off) {
        return switch (size) {
            case 1 -> read8(s, off);
            case 2 -> read16(s, off);
            default -> read32(s, off);
        };
    }

    public void write8(int s, int off, int v) {
        mmu.write8(linear(s, off, 1, true), user, v);
    }

    public void write16(int s, int off, int v) {
        mmu.write16(linear(s, off, 2, true), user, v);
    }

    public void write32(int s, int off, int v) {
        mmu.write32(linear(s, off, 4, true), user, v);
    }

    public void write(int size, int s, int off, int v) {
        switch (size) {
            case 1 -> write8(s, off, v);
            case 2 -> write16(s, off, v);
            default -> write32(s, off, v);
        }
    }

    /** Faults now if a write of size bytes at s:off would fault (used before multi-part updates). */
    public void checkWritable(int s, int off, int size) {
        mmu.checkWrite(linear(s, off, size, true), size, user);
    }

    // ---- stack -------------------------------------------------------------------------------------

    /** The stack pointer as an offset (ESP or SP by SS.B). */
    public int sp() {
        return stack32() ? gpr[ESP] : gpr[ESP] & 0xffff;
    }

    public void setSp(int v) {
        if (stack32()) {
            gpr[ESP] = v;
        } else {
            gpr[ESP] = (gpr[ESP] & 0xffff0000) | (v & 0xffff);
        }
    }

    /** PUSH of a dword (the fast path of {@link #push} for a flat 32-bit stack). */
    public void push32(int v) {
        if (flatStack32) {
            int sp = gpr[ESP] - 4;
            mmu.write32(sp, user, v);
            gpr[ESP] = sp;
        } else {
            push(4, v);
        }
    }

    /** POP of a dword (the fast path of {@link #pop} for a flat 32-bit stack). */
    public int pop32() {
        if (flatStack32) {
            int sp = gpr[ESP];
            int v = mmu.read32(sp, user);
            gpr[ESP] = sp + 4;
            return v;
        }
        return pop(4);
    }

    /** Pushes: the memory write happens first, so a fault leaves ESP unchanged. */
    public void push(int size, int v) {
        int sp = sp() - size;
        if (!stack32()) {
            sp &= 0xffff;
        }
        write(size, SS, sp, v);
        setSp(sp);
    }

    public int pop(int size) {
        int sp = sp();
        int v = read(size, SS, sp);
        setSp(sp + size);
        return v;
    }

    /** Reads the stack at ESP+offset without popping. */
    public int peek(int size, int offset) {
        int sp = sp() + offset;
        if (!stack32()) {
            sp &= 0xffff;
        }
        return read(size, SS, sp);
    }

    // ---- supervisor (implicit) accesses: descriptor tables, TSS, ignore CPL -------------------------

    public int readSystem32(int lin) {
        return mmu.read32(lin, 0);
    }

    public int readSystem16(int lin) {
        return mmu.read16(lin, 0);
    }

    public int readSystem8(int lin) {
        return mmu.read8(lin, 0);
    }

    public void writeSystem32(int lin, int v) {
        mmu.write32(lin, 0, v);
    }

    public void writeSystem16(int lin, int v) {
        mmu.write16(lin, 0, v);
    }

    public void writeSystem8(int lin, int v) {
        mmu.write8(lin, 0, v);
    }
}
