package dev.hyperbundle.hvassist.kvm;

/** The capabilities this backend needs, with their numbers from include/uapi/linux/kvm.h. */
public enum KvmCap {
    USER_MEMORY(3, "memory slots over user memory"),
    SET_TSS_ADDR(4, "the real-mode TSS area (Intel VMX)"),
    EXT_CPUID(7, "KVM_SET_CPUID2"),
    USER_NMI(22, "KVM_NMI"),
    SET_IDENTITY_MAP_ADDR(37, "the real-mode identity page table (Intel EPT)"),
    VCPU_EVENTS(41, "pending events and interrupt shadow in the saved state"),
    DEBUGREGS(50, "debug registers in the saved state"),
    READONLY_MEM(81, "read-only memory slots for ROM"),
    IMMEDIATE_EXIT(136, "kicking a running vCPU (kvm_run.immediate_exit, Linux 4.11+)");

    public final int number;
    public final String purpose;

    KvmCap(int number, String purpose) {
        this.number = number;
        this.purpose = purpose;
    }

    public String constantName() {
        return "KVM_CAP_" + name();
    }
}
