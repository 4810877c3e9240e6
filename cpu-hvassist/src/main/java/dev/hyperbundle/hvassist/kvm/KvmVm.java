package dev.hyperbundle.hvassist.kvm;

import dev.hyperbundle.hvassist.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_USERSPACE_MEMORY_REGION;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;

/** A KVM virtual machine fd: memory slots, the real-mode TSS area, vCPU creation (api.rst 4.7, 4.18, 4.35). */
public final class KvmVm implements AutoCloseable {
    private static final long SLOT = offset(KVM_USERSPACE_MEMORY_REGION, "slot");
    private static final long FLAGS = offset(KVM_USERSPACE_MEMORY_REGION, "flags");
    private static final long GPA = offset(KVM_USERSPACE_MEMORY_REGION, "guest_phys_addr");
    private static final long SIZE = offset(KVM_USERSPACE_MEMORY_REGION, "memory_size");
    private static final long UADDR = offset(KVM_USERSPACE_MEMORY_REGION, "userspace_addr");

    private final int fd;
    private final int vcpuMmapSize;
    private boolean closed;

    KvmVm(int fd, int vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /**
     * KVM_SET_TSS_ADDR: three pages of guest physical space Intel VMX needs to emulate real mode without
     * unrestricted guest (api.rst 4.48); they must not overlap memory slots or MMIO the guest uses.
     */
    public void setTssAddress(long address) {
        Libc.ioctl(fd, KvmIoctl.KVM_SET_TSS_ADDR, address, "KVM_SET_TSS_ADDR");
    }

    /** KVM_SET_IDENTITY_MAP_ADDR: one page for the EPT identity map of real mode (api.rst 4.61). */
    public void setIdentityMapAddress(long address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(ValueLayout.JAVA_LONG);
            arg.set(ValueLayout.JAVA_LONG, 0, address);
            Libc.ioctl(fd, KvmIoctl.KVM_SET_IDENTITY_MAP_ADDR, arg, "KVM_SET_IDENTITY_MAP_ADDR");
        }
    }

    /** Fills a kvm_userspace_memory_region: the slot maps the host memory itself, nothing is copied. */
    public static void encodeRegion(MemorySegment into, int slot, int flags, long guestPhysical, MemorySegment host) {
        into.set(ValueLayout.JAVA_INT, SLOT, slot);
        into.set(ValueLayout.JAVA_INT, FLAGS, flags);
        into.set(ValueLayout.JAVA_LONG, GPA, guestPhysical);
        into.set(ValueLayout.JAVA_LONG, SIZE, host.byteSize());
        into.set(ValueLayout.JAVA_LONG, UADDR, host.address());
    }

    /** KVM_SET_USER_MEMORY_REGION over page-aligned host memory (which must outlive the VM). */
    public void setUserMemoryRegion(int slot, int flags, long guestPhysical, MemorySegment host) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(KVM_USERSPACE_MEMORY_REGION);
            encodeRegion(region, slot, flags, guestPhysical, host);
            Libc.ioctl(fd, KvmIoctl.KVM_SET_USER_MEMORY_REGION, region, "KVM_SET_USER_MEMORY_REGION slot " + slot);
        }
    }

    /** KVM_CREATE_VCPU with this id, and its kvm_run mapping. Call on the thread that will run it. */
    public KvmVcpuFd createVcpu(int id) {
        int vcpu = Libc.ioctl(fd, KvmIoctl.KVM_CREATE_VCPU, id, "KVM_CREATE_VCPU");
        try {
            return new KvmVcpuFd(vcpu, Libc.mmapShared(vcpu, vcpuMmapSize, "kvm_run"));
        } catch (RuntimeException e) {
            Libc.close(vcpu);
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
