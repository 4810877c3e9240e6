package dev.hyperbundle.interp.x87;

/** A little-endian byte-array memory for the x87 tests; linear address = index. */
final class FakeBus implements X87Bus {
    final byte[] mem = new byte[4096];
    int eflags = 0x2;
    int ax = -1;
    /** Accesses at or above this address throw (to test precise restart). */
    int faultFrom = Integer.MAX_VALUE;

    static final class Fault extends RuntimeException {
        Fault(int a) {
            super("page fault at " + a);
        }
    }

    private void check(int a, int n) {
        if (a + n > faultFrom) {
            throw new Fault(a);
        }
    }

    @Override
    public int read8(int a) {
        check(a, 1);
        return mem[a] & 0xFF;
    }

    @Override
    public int read16(int a) {
        check(a, 2);
        return (mem[a] & 0xFF) | (mem[a + 1] & 0xFF) << 8;
    }

    @Override
    public int read32(int a) {
        check(a, 4);
        return read16(a) | read16(a + 2) << 16;
    }

    @Override
    public long read64(int a) {
        check(a, 8);
        return (read32(a) & 0xFFFFFFFFL) | (long) read32(a + 4) << 32;
    }

    @Override
    public void write8(int a, int v) {
        check(a, 1);
        mem[a] = (byte) v;
    }

    @Override
    public void write16(int a, int v) {
        check(a, 2);
        mem[a] = (byte) v;
        mem[a + 1] = (byte) (v >>> 8);
    }

    @Override
    public void write32(int a, int v) {
        check(a, 4);
        write16(a, v);
        write16(a + 2, v >>> 16);
    }

    @Override
    public void write64(int a, long v) {
        check(a, 8);
        write32(a, (int) v);
        write32(a + 4, (int) (v >>> 32));
    }

    @Override
    public int eflags() {
        return eflags;
    }

    @Override
    public void setEflags(int e) {
        eflags = e;
    }

    @Override
    public void setAx(int v) {
        ax = v & 0xFFFF;
    }

    String hex(int from, int len) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < len; i++) {
            b.append(String.format("%02x", mem[from + i] & 0xFF));
        }
        return b.toString();
    }
}
