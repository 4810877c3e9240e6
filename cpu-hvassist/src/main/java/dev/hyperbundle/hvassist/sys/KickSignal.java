package dev.hyperbundle.hvassist.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The real-time signal that kicks a vCPU thread out of KVM_RUN without a signal handler (a Java upcall
 * must never be one). Recipe (TOOLCHAIN.md, "KVM from Java"; api.rst 4.21 KVM_SET_SIGNAL_MASK and 5.
 * "immediate_exit"): the signal stays blocked on the vCPU thread; KVM_RUN runs with a mask where it is
 * unblocked, so a pending or arriving signal ends KVM_RUN with EINTR. Because the thread's own mask (saved
 * in real_blocked while KVM_RUN runs, Linux 4.15+) blocks it, the default action (terminate) never
 * happens; the signal stays pending until {@link #drain()} takes it with sigtimedwait.
 */
public final class KickSignal {
    /** SIGRTMIN + 3: glibc reserves the two below SIGRTMIN; other libraries tend to take SIGRTMIN itself. */
    public static final int SIGNAL = Libc.sigrtmin() + 3;
    /** sizeof(sigset_t) in the kernel on x86-64 (_NSIG / 8): what kvm_signal_mask.len must be. */
    public static final int KERNEL_SIGSET_BYTES = 8;

    private static final ThreadLocal<MemorySegment> ONLY_KICK = ThreadLocal.withInitial(
            () -> Libc.sigset(Arena.ofAuto(), SIGNAL));
    private static final ThreadLocal<MemorySegment> ZERO_TIMEOUT = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(16, 8)); // struct timespec {0, 0}

    private KickSignal() {
    }

    /**
     * Blocks the kick signal on the calling thread and returns the kernel sigset (8 bytes, little-endian
     * bit s - 1) KVM should run with: the thread's mask with the kick signal unblocked.
     */
    public static long blockOnCurrentThread() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = Libc.sigset(arena);
            Libc.pthreadSigmask(Libc.SIG_BLOCK, Libc.sigset(arena, SIGNAL), old);
            Libc.sigdelset(old, SIGNAL);
            return old.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Sends the kick signal to a thread (pthread_self() of the vCPU thread, which must be alive). */
    public static void send(long pthread) {
        Libc.pthreadKill(pthread, SIGNAL);
    }

    /**
     * Takes every pending instance of the kick signal on the calling thread (real-time signals queue);
     * returns how many.
     */
    public static int drain() {
        int n = 0;
        while (Libc.sigtimedwait(ONLY_KICK.get(), ZERO_TIMEOUT.get()) == SIGNAL) {
            n++;
        }
        return n;
    }
}
