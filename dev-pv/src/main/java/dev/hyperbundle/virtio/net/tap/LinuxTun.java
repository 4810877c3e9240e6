package dev.hyperbundle.virtio.net.tap;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The few libc calls a TAP device needs (open, ioctl TUNSETIFF, poll, read, write, close) through
 * java.lang.foreign, with errno captured so failures can say why (drivers/net/tun.c, linux/if_tun.h).
 */
final class LinuxTun {
    static final int O_RDWR = 2, O_CLOEXEC = 0x80000;
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TAP = 0x0002, IFF_NO_PI = 0x1000;
    static final int IFNAMSIZ = 16, IFREQ_SIZE = 40;
    static final short POLLIN = 1;
    static final int EINTR = 4, EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = handle("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = handle("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            ERRNO_OPTION);
    private static final MethodHandle READ = handle("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            ERRNO_OPTION);
    private static final MethodHandle WRITE = handle("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            ERRNO_OPTION);
    private static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = handle("strerror",
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private LinuxTun() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LIBC.find(name).map(s -> LINKER.downcallHandle(s, fd, options)).orElse(null);
    }

    /** A native call's result with errno. */
    record Result(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    static boolean available() {
        return OPEN != null && IOCTL != null && POLL != null && READ != null && WRITE != null && CLOSE != null;
    }

    static Result open(String path) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int r = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDWR | O_CLOEXEC);
            return new Result(r, errno(state));
        }
    }

    /** TUNSETIFF with IFF_TAP | IFF_NO_PI for the interface name. */
    static Result setTap(int fd, String ifname) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment ifr = arena.allocate(IFREQ_SIZE);
            byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(name, 0, ifr, ValueLayout.JAVA_BYTE, 0, name.length);
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI));
            int r = (int) IOCTL.invokeExact(state, fd, TUNSETIFF, ifr);
            return new Result(r, errno(state));
        }
    }

    /** Waits up to timeoutMillis for input; value 1 when readable. */
    static Result pollIn(int fd, int timeoutMillis) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment pfd = arena.allocate(8);
            pfd.set(ValueLayout.JAVA_INT, 0, fd);
            pfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            int r = (int) POLL.invokeExact(state, pfd, 1L, timeoutMillis);
            if (r > 0 && (pfd.get(ValueLayout.JAVA_SHORT, 6) & POLLIN) == 0) {
                return new Result(-1, 5); // POLLERR/POLLHUP: report as EIO
            }
            return new Result(r, errno(state));
        }
    }

    static Result read(int fd, MemorySegment buffer) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long r = (long) READ.invokeExact(state, fd, buffer, buffer.byteSize());
            return new Result(r, errno(state));
        }
    }

    static Result write(int fd, byte[] frame) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, frame);
            long r = (long) WRITE.invokeExact(state, fd, buf, (long) frame.length);
            return new Result(r, errno(state));
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // nothing to do
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }
}
