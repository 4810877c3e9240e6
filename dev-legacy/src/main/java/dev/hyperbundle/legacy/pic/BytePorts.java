package dev.hyperbundle.legacy.pic;

import dev.hyperbundle.bus.BusDevice;

/** An 8-bit ISA register block: a wider access is split into byte accesses at successive offsets. */
abstract class BytePorts implements BusDevice {
    abstract int readByte(int offset);

    abstract void writeByte(int offset, int value);

    @Override
    public final long read(long offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) (readByte((int) offset + i) & 0xff) << (8 * i);
        }
        return v;
    }

    @Override
    public final void write(long offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            writeByte((int) offset + i, (int) (value >>> (8 * i)) & 0xff);
        }
    }
}
