package dev.hyperbundle.hvassist.sys;

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

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc functions the KVM backend needs, bound with the FFM linker. Calls that report failure
 * through errno capture it ({@code Linker.Option.captureCallState("errno")}) and throw
 * {@link SysException} with the operation's name; nothing here is a native library of our own.
 */
public final class Libc {
    public static final int O_RDWR = 2;
    public static final int O_CLOEXEC = 0x80000;
    public static final int PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    /** glibc's sigset_t is 1024 bits (bits/types/__sigset_t.h); the kernel's is 64 on x86-64. */
    public static final int GLIBC_SIGSET_BYTES = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    // int open(const char *path, int flags, ...): the mode is variadic.
    private static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO_OPTION);
    // int ioctl(int fd, unsigned long request, ...): variadic after the request (TOOLCHAIN.md, "KVM from Java").
    private static final MethodHandle IOCTL_PTR = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_LONG = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERRNO_OPTION);
    private static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERRNO_OPTION);
    private static final MethodHandle PTHREAD_SELF = bind("pthread_self", FunctionDescriptor.of(JAVA_LONG));
    // pthread functions return the error number instead of setting errno.
    private static final MethodHandle PTHREAD_KILL = bind("pthread_kill", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PTHREAD_SIGMASK = bind("pthread_sigmask",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGTIMEDWAIT = bind("sigtimedwait",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), ERRNO_OPTION);
    // SIGRTMIN is a function call in glibc (signal.h: #define SIGRTMIN (__libc_current_sigrtmin ())).
    private static final MethodHandle SIGRTMIN = bind("__libc_current_sigrtmin", FunctionDescriptor.of(JAVA_INT));

    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(CAPTURE));

    private Libc() {
    }

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** open(2) read-write, close-on-exec; returns the fd. */
    public static int open(String path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = STATE.get();
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw new SysException("open " + what, errno(state));
            }
            return fd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void close(int fd) {
        try {
            int r = (int) CLOSE.invokeExact(STATE.get(), fd);
            if (r < 0) {
                throw new SysException("close", errno(STATE.get()));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl with a pointer argument; returns the non-negative result or throws with the name. */
    public static int ioctl(int fd, long request, MemorySegment arg, String name) {
        int r = ioctlOrErrno(fd, request, arg);
        if (r < 0) {
            throw new SysException(name, -r);
        }
        return r;
    }

    /** ioctl with an integer argument (0L for _IO ioctls without one: KVM rejects garbage). */
    public static int ioctl(int fd, long request, long arg, String name) {
        int r = ioctlOrErrno(fd, request, arg);
        if (r < 0) {
            throw new SysException(name, -r);
        }
        return r;
    }

    /** The result, or -errno: for the hot path (KVM_RUN) where EINTR is expected. */
    public static int ioctlOrErrno(int fd, long request, MemorySegment arg) {
        try {
            MemorySegment state = STATE.get();
            int r = (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static int ioctlOrErrno(int fd, long request, long arg) {
        try {
            MemorySegment state = STATE.get();
            int r = (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** mmap(NULL, size, READ|WRITE, MAP_SHARED, fd, 0): the segment has size bytes. */
    public static MemorySegment mmapShared(int fd, long size, String what) {
        try {
            MemorySegment state = STATE.get();
            MemorySegment p = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                    MAP_SHARED, fd, 0L);
            if (p.address() == -1L) {
                throw new SysException("mmap " + what, errno(state));
            }
            return p.reinterpret(size);
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void munmap(MemorySegment mapping) {
        try {
            int r = (int) MUNMAP.invokeExact(STATE.get(), mapping, mapping.byteSize());
            if (r < 0) {
                throw new SysException("munmap", errno(STATE.get()));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static long pthreadSelf() {
        try {
            return (long) PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static void pthreadKill(long thread, int signal) {
        try {
            int r = (int) PTHREAD_KILL.invokeExact(thread, signal);
            if (r != 0) {
                throw new SysException("pthread_kill", r);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** pthread_sigmask(how, set, old): set or old may be {@link MemorySegment#NULL}. */
    public static void pthreadSigmask(int how, MemorySegment set, MemorySegment old) {
        try {
            int r = (int) PTHREAD_SIGMASK.invokeExact(how, set, old);
            if (r != 0) {
                throw new SysException("pthread_sigmask", r);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * sigtimedwait(set, NULL, timeout): the signal number taken, or -errno (-EAGAIN when none is pending
     * before the timeout).
     */
    public static int sigtimedwait(MemorySegment set, MemorySegment timespec) {
        try {
            MemorySegment state = STATE.get();
            int r = (int) SIGTIMEDWAIT.invokeExact(state, set, MemorySegment.NULL, timespec);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public static int sigrtmin() {
        try {
            return (int) SIGRTMIN.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** An empty glibc sigset_t in the arena. */
    public static MemorySegment sigset(Arena arena, int... signals) {
        MemorySegment set = arena.allocate(GLIBC_SIGSET_BYTES, 8);
        for (int s : signals) {
            sigaddset(set, s);
        }
        return set;
    }

    /** Signal s is bit s - 1, in 64-bit words (glibc sigsetops.h __sigword/__sigmask; the kernel's layout too). */
    public static void sigaddset(MemorySegment set, int signal) {
        long word = (signal - 1) / 64;
        long bit = 1L << ((signal - 1) % 64);
        set.set(ValueLayout.JAVA_LONG, word * 8, set.get(ValueLayout.JAVA_LONG, word * 8) | bit);
    }

    public static void sigdelset(MemorySegment set, int signal) {
        long word = (signal - 1) / 64;
        long bit = 1L << ((signal - 1) % 64);
        set.set(ValueLayout.JAVA_LONG, word * 8, set.get(ValueLayout.JAVA_LONG, word * 8) & ~bit);
    }
}
