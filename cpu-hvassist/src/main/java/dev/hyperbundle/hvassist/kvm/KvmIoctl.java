package dev.hyperbundle.hvassist.kvm;

import static dev.hyperbundle.hvassist.kvm.Ioctls.io;
import static dev.hyperbundle.hvassist.kvm.Ioctls.ior;
import static dev.hyperbundle.hvassist.kvm.Ioctls.iow;
import static dev.hyperbundle.hvassist.kvm.Ioctls.iowr;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.*;

/** The KVM ioctl numbers used here, built like include/uapi/linux/kvm.h defines them. */
public final class KvmIoctl {
    // system ioctls (on /dev/kvm)
    public static final long KVM_GET_API_VERSION = io(0x00);
    public static final long KVM_CREATE_VM = io(0x01);
    public static final long KVM_CHECK_EXTENSION = io(0x03);
    public static final long KVM_GET_VCPU_MMAP_SIZE = io(0x04);
    // vm ioctls
    public static final long KVM_CREATE_VCPU = io(0x41);
    public static final long KVM_SET_USER_MEMORY_REGION = iow(0x46, KVM_USERSPACE_MEMORY_REGION);
    public static final long KVM_SET_TSS_ADDR = io(0x47);
    public static final long KVM_SET_IDENTITY_MAP_ADDR = iow(0x48, U64_ARG);
    // vcpu ioctls
    public static final long KVM_RUN = io(0x80);
    public static final long KVM_GET_REGS = ior(0x81, KVM_REGS);
    public static final long KVM_SET_REGS = iow(0x82, KVM_REGS);
    public static final long KVM_GET_SREGS = ior(0x83, KVM_SREGS);
    public static final long KVM_SET_SREGS = iow(0x84, KVM_SREGS);
    public static final long KVM_INTERRUPT = iow(0x86, KvmLayouts.KVM_INTERRUPT);
    public static final long KVM_GET_MSRS = iowr(0x88, KVM_MSRS);
    public static final long KVM_SET_MSRS = iow(0x89, KVM_MSRS);
    public static final long KVM_SET_SIGNAL_MASK = iow(0x8b, KvmLayouts.KVM_SIGNAL_MASK);
    public static final long KVM_GET_FPU = ior(0x8c, KVM_FPU);
    public static final long KVM_SET_FPU = iow(0x8d, KVM_FPU);
    public static final long KVM_SET_CPUID2 = iow(0x90, KVM_CPUID2);
    public static final long KVM_GET_MP_STATE = ior(0x98, KvmLayouts.KVM_MP_STATE);
    public static final long KVM_SET_MP_STATE = iow(0x99, KvmLayouts.KVM_MP_STATE);
    public static final long KVM_NMI = io(0x9a);
    public static final long KVM_GET_VCPU_EVENTS = ior(0x9f, KVM_VCPU_EVENTS);
    public static final long KVM_SET_VCPU_EVENTS = iow(0xa0, KVM_VCPU_EVENTS);
    public static final long KVM_GET_DEBUGREGS = ior(0xa1, KVM_DEBUGREGS);
    public static final long KVM_SET_DEBUGREGS = iow(0xa2, KVM_DEBUGREGS);
    public static final long KVM_SET_TSC_KHZ = io(0xa2);

    /** The API version this code is written against (api.rst 4.1: "the only stable one is 12"). */
    public static final int API_VERSION = 12;

    /** kvm_userspace_memory_region.flags: the guest cannot write the slot; writes exit as MMIO (api.rst 4.35). */
    public static final int KVM_MEM_READONLY = 1 << 1;
    /** kvm_cpuid_entry2.flags: the entry matches on index (subleaf) too (api.rst 4.46). */
    public static final int KVM_CPUID_FLAG_SIGNIFCANT_INDEX = 1;
    /** kvm_vcpu_events.flags for KVM_SET_VCPU_EVENTS (asm/kvm.h). */
    public static final int KVM_VCPUEVENT_VALID_NMI_PENDING = 1, KVM_VCPUEVENT_VALID_SHADOW = 4;
    /** kvm_vcpu_events.interrupt.shadow bits (asm/kvm.h): note MOV SS is bit 0 here. */
    public static final int KVM_X86_SHADOW_INT_MOV_SS = 1, KVM_X86_SHADOW_INT_STI = 2;
    /** kvm_run.io.direction. */
    public static final int KVM_EXIT_IO_IN = 0, KVM_EXIT_IO_OUT = 1;
    /** kvm_mp_state.mp_state. */
    public static final int KVM_MP_STATE_RUNNABLE = 0, KVM_MP_STATE_HALTED = 3;

    private KvmIoctl() {
    }
}
