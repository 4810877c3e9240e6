package dev.hyperbundle.testkit.suite;

/**
 * Descriptor encodings for guests that build their own GDT, IDT and TSS (SDM Vol. 3A, 3.4.5 "Segment
 * Descriptors", 6.11 "IDT Descriptors", 8.2 "Task Management Data Structures"), as 64-bit values.
 */
public final class SystemTables {
    /** Segment types (S=1): data read/write, data read-only, data read/write expand-down, code execute/read, code execute-only; all accessed. */
    public static final int DATA_RW = 0x3, DATA_RO = 0x1, DATA_RW_DOWN = 0x7, CODE_RX = 0xb, CODE_X = 0x9;
    /** System types (S=0): 32-bit available TSS, 32-bit busy TSS. */
    public static final int TSS32 = 0x9, TSS32_BUSY = 0xb;
    /** Gate types: 32-bit interrupt gate, 32-bit trap gate, 32-bit call gate, task gate. */
    public static final int INTERRUPT_GATE = 0xe, TRAP_GATE = 0xf, CALL_GATE = 0xc, TASK_GATE = 0x5;
    /** The P bit of a descriptor: {@code d & ~PRESENT} is the same descriptor not present. */
    public static final long PRESENT = 1L << 47;

    private SystemTables() {
    }

    /** A code or data segment: 4 KiB granularity when the limit needs it, 32-bit (D/B) when {@code big}. */
    public static long segment(int base, int limit, int type, int dpl, boolean big) {
        boolean pages = Integer.compareUnsigned(limit, 0xfffff) > 0;
        int l = pages ? limit >>> 12 : limit;
        return descriptor(base, l, 0x10 | type, dpl, true, (pages ? 0x8 : 0) | (big ? 0x4 : 0));
    }

    /** A flat 4 GiB 32-bit segment. */
    public static long flat(int type, int dpl) {
        return segment(0, 0xffffffff, type, dpl, true);
    }

    /** A 32-bit TSS descriptor (byte granular). */
    public static long tss(int base, int limit, boolean busy) {
        return descriptor(base, limit, busy ? TSS32_BUSY : TSS32, 0, true, 0);
    }

    /** The raw descriptor: type includes S (0x10); flags are G (8), D/B (4), L (2), AVL (1). */
    public static long descriptor(int base, int limit, int type, int dpl, boolean present, int flags) {
        long d = limit & 0xffffL;
        d |= (base & 0xffffffL) << 16;
        d |= (long) (type & 0x1f) << 40;
        d |= (long) (dpl & 3) << 45;
        d |= present ? 1L << 47 : 0;
        d |= (long) ((limit >>> 16) & 0xf) << 48;
        d |= (long) (flags & 0xf) << 52;
        d |= (long) ((base >>> 24) & 0xff) << 56;
        return d;
    }

    /** A present 32-bit interrupt or trap gate to selector:offset. */
    public static long gate(int selector, int offset, int type, int dpl) {
        return (offset & 0xffffL) | (long) (selector & 0xffff) << 16 | (long) (0x80 | (dpl & 3) << 5 | type) << 40
                | (long) (offset >>> 16) << 48;
    }

    /**
     * A present 32-bit call gate to selector:offset that copies {@code paramCount} dwords to a new stack (SDM
     * Vol. 3A, 5.8.3 "Call Gates", figure 5-8).
     */
    public static long callGate(int selector, int offset, int paramCount, int dpl) {
        return gate(selector, offset, CALL_GATE, dpl) | (long) (paramCount & 0x1f) << 32;
    }

    /** A present task gate to a TSS selector (SDM Vol. 3A, 7.2.5 "Task-Gate Descriptor"); for the GDT, LDT or IDT. */
    public static long taskGate(int tssSelector, int dpl) {
        return (long) (tssSelector & 0xffff) << 16 | (long) (0x80 | (dpl & 3) << 5 | TASK_GATE) << 40;
    }

    /** The little-endian bytes of descriptors, in order. */
    public static byte[] table(long... descriptors) {
        byte[] b = new byte[descriptors.length * 8];
        for (int i = 0; i < descriptors.length; i++) {
            for (int j = 0; j < 8; j++) {
                b[i * 8 + j] = (byte) (descriptors[i] >>> (8 * j));
            }
        }
        return b;
    }

    /**
     * A 32-bit TSS of 104 bytes with SS0:ESP0 and the I/O map base, followed by {@code ioBitmap} (SDM Vol.
     * 3A, figure 8-2 "32-Bit Task-State Segment"; Vol. 1, 19.5.2 "I/O Permission Bit Map").
     */
    public static byte[] tssImage(int esp0, int ss0, int ioMapBase, byte[] ioBitmap) {
        byte[] b = new byte[Math.max(104, ioMapBase + ioBitmap.length)];
        putInt(b, 4, esp0);
        putInt(b, 8, ss0);
        b[102] = (byte) ioMapBase;
        b[103] = (byte) (ioMapBase >>> 8);
        System.arraycopy(ioBitmap, 0, b, ioMapBase, ioBitmap.length);
        return b;
    }

    /** Field offsets of a 32-bit TSS (SDM Vol. 3A, figure 7-2): link, ESPn/SSn, CR3, EIP, EFLAGS, LDT, I/O map base. */
    public static final int TSS_LINK = 0, TSS_ESP0 = 4, TSS_SS0 = 8, TSS_ESP1 = 0xc, TSS_SS1 = 0x10, TSS_ESP2 = 0x14,
            TSS_SS2 = 0x18, TSS_CR3 = 0x1c, TSS_EIP = 0x20, TSS_EFLAGS = 0x24, TSS_LDT = 0x60, TSS_IOMAP = 0x66;

    /** The TSS offset of general register {@code reg} (EAX..EDI, 0..7: 0x28..0x44). */
    public static int tssGpr(int reg) {
        return 0x28 + 4 * reg;
    }

    /** The TSS offset of segment register {@code seg} (ES, CS, SS, DS, FS, GS, 0..5: 0x48..0x5C). */
    public static int tssSeg(int seg) {
        return 0x48 + 4 * seg;
    }

    /**
     * A 32-bit TSS image of 104 bytes (SDM Vol. 3A, 7.2.1 "Task-State Segment (TSS)", figure 7-2), built field by
     * field; unset fields are 0 and the I/O map base is 0x68 (no bitmap within a limit of 0x67).
     */
    public static final class Tss32 {
        private final byte[] b = new byte[104];

        public Tss32() {
            ioMapBase(0x68);
        }

        public Tss32 link(int selector) {
            return put16(TSS_LINK, selector);
        }

        /** SSn:ESPn for privilege level 0, 1 or 2. */
        public Tss32 stack(int level, int ss, int esp) {
            putInt(b, TSS_ESP0 + 8 * level, esp);
            return put16(TSS_SS0 + 8 * level, ss);
        }

        public Tss32 cr3(int v) {
            putInt(b, TSS_CR3, v);
            return this;
        }

        public Tss32 eip(int v) {
            putInt(b, TSS_EIP, v);
            return this;
        }

        public Tss32 eflags(int v) {
            putInt(b, TSS_EFLAGS, v);
            return this;
        }

        /** General register {@code reg} (EAX..EDI as 0..7). */
        public Tss32 gpr(int reg, int v) {
            putInt(b, tssGpr(reg), v);
            return this;
        }

        /** ES, CS, SS, DS, FS, GS in that order. */
        public Tss32 segments(int es, int cs, int ss, int ds, int fs, int gs) {
            int[] s = {es, cs, ss, ds, fs, gs};
            for (int i = 0; i < 6; i++) {
                put16(tssSeg(i), s[i]);
            }
            return this;
        }

        public Tss32 ldt(int selector) {
            return put16(TSS_LDT, selector);
        }

        public Tss32 ioMapBase(int v) {
            return put16(TSS_IOMAP, v);
        }

        public byte[] bytes() {
            return b.clone();
        }

        private Tss32 put16(int at, int v) {
            b[at] = (byte) v;
            b[at + 1] = (byte) (v >>> 8);
            return this;
        }
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
