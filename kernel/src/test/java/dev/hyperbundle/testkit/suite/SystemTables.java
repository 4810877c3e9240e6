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
    /** Gate types: 32-bit interrupt gate, 32-bit trap gate. */
    public static final int INTERRUPT_GATE = 0xe, TRAP_GATE = 0xf;

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

    static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }
}
