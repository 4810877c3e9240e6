package dev.hyperbundle.hvassist.kvm;

import dev.hyperbundle.hvassist.sys.KickSignal;
import dev.hyperbundle.hvassist.sys.Libc;
import dev.hyperbundle.hvassist.sys.SysException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_RUN_HEADER;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;

/**
 * A vCPU fd with its kvm_run mapping and scratch buffers for the state ioctls. The ioctls are called from
 * the vCPU's thread; {@link #requestImmediateExit()} from any thread.
 */
public final class KvmVcpuFd implements AutoCloseable {
    public static final long REQUEST_INTERRUPT_WINDOW = offset(KVM_RUN_HEADER, "request_interrupt_window");
    public static final long IMMEDIATE_EXIT = offset(KVM_RUN_HEADER, "immediate_exit");
    public static final long EXIT_REASON = offset(KVM_RUN_HEADER, "exit_reason");
    public static final long READY_FOR_INTERRUPT_INJECTION = offset(KVM_RUN_HEADER, "ready_for_interrupt_injection");
    public static final long IF_FLAG = offset(KVM_RUN_HEADER, "if_flag");

    /** A volatile byte store into kvm_run, visible to the kernel's READ_ONCE in KVM_RUN. */
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    private final int fd;
    private final MemorySegment run;
    private final Arena arena = Arena.ofShared();
    private boolean closed;

    KvmVcpuFd(int fd, MemorySegment run) {
        this.fd = fd;
        this.run = run;
    }

    /** The kvm_run mapping (KVM_GET_VCPU_MMAP_SIZE bytes). */
    public MemorySegment run() {
        return run;
    }

    public Arena arena() {
        return arena;
    }

    /** KVM_RUN: 0, or -errno (-EINTR after a kick). */
    public int kvmRun() {
        return Libc.ioctlOrErrno(fd, KvmIoctl.KVM_RUN, 0L);
    }

    public int exitReason() {
        return run.get(ValueLayout.JAVA_INT, EXIT_REASON);
    }

    public void requestImmediateExit() {
        BYTE.setVolatile(run, IMMEDIATE_EXIT, (byte) 1);
    }

    public void clearImmediateExit() {
        BYTE.setVolatile(run, IMMEDIATE_EXIT, (byte) 0);
    }

    public void setRequestInterruptWindow(boolean on) {
        run.set(ValueLayout.JAVA_BYTE, REQUEST_INTERRUPT_WINDOW, (byte) (on ? 1 : 0));
    }

    /** KVM may inject an interrupt now (api.rst 5, "ready_for_interrupt_injection" and "if_flag"). */
    public boolean readyForInterrupt() {
        return run.get(ValueLayout.JAVA_BYTE, READY_FOR_INTERRUPT_INJECTION) != 0
                && run.get(ValueLayout.JAVA_BYTE, IF_FLAG) != 0;
    }

    /** A vCPU ioctl with a struct argument. */
    public void ioctl(long request, MemorySegment arg, String name) {
        Libc.ioctl(fd, request, arg, name);
    }

    /** A vCPU ioctl whose non-negative result counts something (KVM_GET/SET_MSRS): the result or -errno. */
    public int ioctlResult(long request, MemorySegment arg) {
        return Libc.ioctlOrErrno(fd, request, arg);
    }

    /** KVM_INTERRUPT: queue an external interrupt vector (userspace interrupt controller, api.rst 4.16). */
    public void interrupt(int vector, MemorySegment scratch) {
        scratch.set(ValueLayout.JAVA_INT, 0, vector);
        Libc.ioctl(fd, KvmIoctl.KVM_INTERRUPT, scratch, "KVM_INTERRUPT");
    }

    /** KVM_NMI (api.rst 4.65, without an in-kernel local APIC). */
    public void nmi() {
        Libc.ioctl(fd, KvmIoctl.KVM_NMI, 0L, "KVM_NMI");
    }

    /** KVM_SET_SIGNAL_MASK with a kernel sigset (api.rst 4.21). */
    public void setSignalMask(long kernelSigset) {
        MemorySegment mask = arena.allocate(KvmLayouts.KVM_SIGNAL_MASK.byteSize() + KickSignal.KERNEL_SIGSET_BYTES, 8);
        mask.set(ValueLayout.JAVA_INT, 0, KickSignal.KERNEL_SIGSET_BYTES);
        mask.set(ValueLayout.JAVA_LONG_UNALIGNED, KvmLayouts.KVM_SIGNAL_MASK.byteSize(), kernelSigset);
        Libc.ioctl(fd, KvmIoctl.KVM_SET_SIGNAL_MASK, mask, "KVM_SET_SIGNAL_MASK");
    }

    /** KVM_SET_TSC_KHZ; false when the host cannot scale the TSC. */
    public boolean setTscKhz(long khz) {
        return Libc.ioctlOrErrno(fd, KvmIoctl.KVM_SET_TSC_KHZ, khz) >= 0;
    }

    /** Throws with the operation's name when result is -errno. */
    public static void check(int result, String name) {
        if (result < 0) {
            throw new SysException(name, -result);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.munmap(run);
            Libc.close(fd);
            arena.close();
        }
    }
}
