package dev.hyperbundle.hvassist.kvm;

import dev.hyperbundle.hvassist.sys.Libc;

/** An open KVM device (/dev/kvm): the system ioctls (api.rst 4.1-4.4). */
public final class KvmSystem implements AutoCloseable {
    private final int fd;
    private final String path;

    private KvmSystem(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    /** Opens the device read-write; throws {@link dev.hyperbundle.hvassist.sys.SysException} with the errno. */
    public static KvmSystem open(String path) {
        return new KvmSystem(Libc.open(path, path), path);
    }

    public String path() {
        return path;
    }

    public int apiVersion() {
        return Libc.ioctl(fd, KvmIoctl.KVM_GET_API_VERSION, 0L, "KVM_GET_API_VERSION");
    }

    /** KVM_CHECK_EXTENSION: 0 when absent, else 1 or a capability-specific value. */
    public int checkExtension(KvmCap cap) {
        return Libc.ioctl(fd, KvmIoctl.KVM_CHECK_EXTENSION, cap.number, "KVM_CHECK_EXTENSION");
    }

    /** The size of the kvm_run mapping of each vCPU fd. */
    public int vcpuMmapSize() {
        return Libc.ioctl(fd, KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0L, "KVM_GET_VCPU_MMAP_SIZE");
    }

    /** KVM_CREATE_VM with machine type 0 (the default on x86). */
    public KvmVm createVm() {
        int vm = Libc.ioctl(fd, KvmIoctl.KVM_CREATE_VM, 0L, "KVM_CREATE_VM");
        return new KvmVm(vm, vcpuMmapSize());
    }

    @Override
    public void close() {
        Libc.close(fd);
    }
}
