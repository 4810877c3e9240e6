package dev.hyperbundle.virtio.blk;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Frees a file range with Linux fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) through
 * java.lang.foreign, so a discarded range reads as zeros and takes no space. {@link #punch} returns false
 * where that is not possible (another OS, a file system without hole punching); the caller then writes
 * zeros.
 */
final class HolePuncher implements AutoCloseable {
    private static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;

    private final MethodHandle fallocate;
    private final MethodHandle close;
    private int fd;
    private boolean supported;

    private HolePuncher(MethodHandle fallocate, MethodHandle close, int fd) {
        this.fallocate = fallocate;
        this.close = close;
        this.fd = fd;
        this.supported = fd >= 0;
    }

    /** A puncher that never punches (read-only images). */
    static HolePuncher none() {
        return new HolePuncher(null, null, -1);
    }

    /** Opens path a second time for fallocate; never fails (unsupported means zeros are written). */
    static HolePuncher open(Path path) {
        try {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                return new HolePuncher(null, null, -1);
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            MethodHandle open = linker.downcallHandle(libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            MethodHandle fallocate = linker.downcallHandle(libc.find("fallocate64").or(() -> libc.find("fallocate")).orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
            MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int fd;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocateFrom(path.toAbsolutePath().toString());
                fd = (int) open.invokeExact(name, O_RDWR | O_CLOEXEC);
            }
            return new HolePuncher(fallocate, close, fd);
        } catch (Throwable t) {
            return new HolePuncher(null, null, -1);
        }
    }

    /** Punches [offset, offset + length); false when the file system cannot. */
    synchronized boolean punch(long offset, long length) {
        if (!supported || length <= 0) {
            return supported;
        }
        try {
            int r = (int) fallocate.invokeExact(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
            if (r != 0) {
                supported = false; // EOPNOTSUPP and friends: use zeros from now on
            }
            return r == 0;
        } catch (Throwable t) {
            supported = false;
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                int ignored = (int) close.invokeExact(fd);
            } catch (Throwable ignored) {
                // nothing more to do
            }
            fd = -1;
            supported = false;
        }
    }
}
