package dev.hyperbundle.hvassist.kvm;

/** kvm_run.exit_reason values (include/uapi/linux/kvm.h, KVM_EXIT_*). */
public final class KvmExit {
    public static final int UNKNOWN = 0, EXCEPTION = 1, IO = 2, HYPERCALL = 3, DEBUG = 4, HLT = 5, MMIO = 6,
            IRQ_WINDOW_OPEN = 7, SHUTDOWN = 8, FAIL_ENTRY = 9, INTR = 10, SET_TPR = 11, TPR_ACCESS = 12, NMI = 16,
            INTERNAL_ERROR = 17, SYSTEM_EVENT = 24, X86_RDMSR = 29, X86_WRMSR = 30;

    private static final String[] NAMES = new String[31];

    static {
        String[] n = {"UNKNOWN", "EXCEPTION", "IO", "HYPERCALL", "DEBUG", "HLT", "MMIO", "IRQ_WINDOW_OPEN", "SHUTDOWN",
            "FAIL_ENTRY", "INTR", "SET_TPR", "TPR_ACCESS"};
        System.arraycopy(n, 0, NAMES, 0, n.length);
        NAMES[NMI] = "NMI";
        NAMES[INTERNAL_ERROR] = "INTERNAL_ERROR";
        NAMES[SYSTEM_EVENT] = "SYSTEM_EVENT";
        NAMES[X86_RDMSR] = "X86_RDMSR";
        NAMES[X86_WRMSR] = "X86_WRMSR";
    }

    private KvmExit() {
    }

    /** "KVM_EXIT_HLT (5)". */
    public static String describe(int reason) {
        String name = reason >= 0 && reason < NAMES.length ? NAMES[reason] : null;
        return (name == null ? "KVM_EXIT_?" : "KVM_EXIT_" + name) + " (" + reason + ")";
    }
}
