package dev.hyperbundle.hvassist.kvm;

import java.lang.foreign.MemoryLayout;

/**
 * ioctl request numbers as include/uapi/asm-generic/ioctl.h builds them on x86:
 * {@code dir << 30 | size << 16 | type << 8 | nr}, with _IOC_NONE 0, _IOC_WRITE 1, _IOC_READ 2 and a
 * 14-bit size taken from the argument's {@link MemoryLayout}.
 */
public final class Ioctls {
    public static final int NONE = 0, WRITE = 1, READ = 2;
    /** KVMIO (include/uapi/linux/kvm.h). */
    public static final int KVMIO = 0xAE;

    private Ioctls() {
    }

    public static long ioc(int dir, int type, int nr, long size) {
        if (size < 0 || size >= (1 << 14)) {
            throw new IllegalArgumentException("ioctl argument size " + size + " does not fit in 14 bits");
        }
        return ((long) dir << 30) | (size << 16) | ((long) type << 8) | nr;
    }

    /** _IO(KVMIO, nr). */
    public static long io(int nr) {
        return ioc(NONE, KVMIO, nr, 0);
    }

    /** _IOR(KVMIO, nr, layout): the kernel writes the argument. */
    public static long ior(int nr, MemoryLayout layout) {
        return ioc(READ, KVMIO, nr, layout.byteSize());
    }

    /** _IOW(KVMIO, nr, layout): the kernel reads the argument. */
    public static long iow(int nr, MemoryLayout layout) {
        return ioc(WRITE, KVMIO, nr, layout.byteSize());
    }

    /** _IOWR(KVMIO, nr, layout). */
    public static long iowr(int nr, MemoryLayout layout) {
        return ioc(READ | WRITE, KVMIO, nr, layout.byteSize());
    }
}
