package dev.hyperbundle.hvassist.kvm;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The KVM structures the backend exchanges with the kernel, as FFM layouts. Field names and order follow
 * the x86-64 UAPI headers: arch/x86/include/uapi/asm/kvm.h (kvm_regs, kvm_segment, kvm_dtable,
 * kvm_sregs, kvm_fpu, kvm_msr_entry, kvm_msrs, kvm_cpuid_entry2, kvm_cpuid2, kvm_vcpu_events,
 * kvm_debugregs) and include/uapi/linux/kvm.h (kvm_userspace_memory_region, kvm_run, kvm_interrupt,
 * kvm_signal_mask, kvm_mp_state). Sizes are checked when the class loads; the tests check every offset.
 */
public final class KvmLayouts {
    private static final ValueLayout.OfByte U8 = JAVA_BYTE;
    private static final ValueLayout.OfShort U16 = JAVA_SHORT;
    private static final ValueLayout.OfInt U32 = JAVA_INT;
    private static final ValueLayout.OfLong U64 = JAVA_LONG;

    /** struct kvm_regs: 18 x __u64 (asm/kvm.h "for KVM_GET_REGS and KVM_SET_REGS"). */
    public static final StructLayout KVM_REGS = structLayout(
            U64.withName("rax"), U64.withName("rbx"), U64.withName("rcx"), U64.withName("rdx"),
            U64.withName("rsi"), U64.withName("rdi"), U64.withName("rsp"), U64.withName("rbp"),
            U64.withName("r8"), U64.withName("r9"), U64.withName("r10"), U64.withName("r11"),
            U64.withName("r12"), U64.withName("r13"), U64.withName("r14"), U64.withName("r15"),
            U64.withName("rip"), U64.withName("rflags")).withName("kvm_regs");

    /** struct kvm_segment: base, limit (expanded, in bytes), selector, then one byte per attribute. */
    public static final StructLayout KVM_SEGMENT = structLayout(
            U64.withName("base"), U32.withName("limit"), U16.withName("selector"),
            U8.withName("type"), U8.withName("present"), U8.withName("dpl"), U8.withName("db"), U8.withName("s"),
            U8.withName("l"), U8.withName("g"), U8.withName("avl"), U8.withName("unusable"), U8.withName("padding"))
            .withName("kvm_segment");

    /** struct kvm_dtable: base, limit, padding[3]. */
    public static final StructLayout KVM_DTABLE = structLayout(
            U64.withName("base"), U16.withName("limit"), sequenceLayout(3, U16).withName("padding"))
            .withName("kvm_dtable");

    /** KVM_NR_INTERRUPTS = 256: interrupt_bitmap is (256 + 63) / 64 words. */
    public static final StructLayout KVM_SREGS = structLayout(
            KVM_SEGMENT.withName("cs"), KVM_SEGMENT.withName("ds"), KVM_SEGMENT.withName("es"),
            KVM_SEGMENT.withName("fs"), KVM_SEGMENT.withName("gs"), KVM_SEGMENT.withName("ss"),
            KVM_SEGMENT.withName("tr"), KVM_SEGMENT.withName("ldt"),
            KVM_DTABLE.withName("gdt"), KVM_DTABLE.withName("idt"),
            U64.withName("cr0"), U64.withName("cr2"), U64.withName("cr3"), U64.withName("cr4"), U64.withName("cr8"),
            U64.withName("efer"), U64.withName("apic_base"),
            sequenceLayout(4, U64).withName("interrupt_bitmap")).withName("kvm_sregs");

    /** struct kvm_fpu: fpr[8][16] holds ST(0)..ST(7) as FXSAVE stores them; ftwx is FXSAVE's abridged tag. */
    public static final StructLayout KVM_FPU = structLayout(
            sequenceLayout(8, sequenceLayout(16, U8)).withName("fpr"),
            U16.withName("fcw"), U16.withName("fsw"), U8.withName("ftwx"), U8.withName("pad1"),
            U16.withName("last_opcode"), U64.withName("last_ip"), U64.withName("last_dp"),
            sequenceLayout(16, sequenceLayout(16, U8)).withName("xmm"),
            U32.withName("mxcsr"), U32.withName("pad2")).withName("kvm_fpu");

    public static final StructLayout KVM_MSR_ENTRY = structLayout(
            U32.withName("index"), U32.withName("reserved"), U64.withName("data")).withName("kvm_msr_entry");

    /** struct kvm_msrs header; entries[] follow. */
    public static final StructLayout KVM_MSRS = structLayout(
            U32.withName("nmsrs"), U32.withName("pad")).withName("kvm_msrs");

    public static final StructLayout KVM_CPUID_ENTRY2 = structLayout(
            U32.withName("function"), U32.withName("index"), U32.withName("flags"),
            U32.withName("eax"), U32.withName("ebx"), U32.withName("ecx"), U32.withName("edx"),
            sequenceLayout(3, U32).withName("padding")).withName("kvm_cpuid_entry2");

    /** struct kvm_cpuid2 header; entries[] follow. */
    public static final StructLayout KVM_CPUID2 = structLayout(
            U32.withName("nent"), U32.withName("padding")).withName("kvm_cpuid2");

    public static final StructLayout KVM_USERSPACE_MEMORY_REGION = structLayout(
            U32.withName("slot"), U32.withName("flags"), U64.withName("guest_phys_addr"),
            U64.withName("memory_size"), U64.withName("userspace_addr")).withName("kvm_userspace_memory_region");

    /** kvm_run's KVM_EXIT_IO member of the exit union. */
    public static final StructLayout KVM_RUN_IO = structLayout(
            U8.withName("direction"), U8.withName("size"), U16.withName("port"), U32.withName("count"),
            U64.withName("data_offset")).withName("io");

    /** kvm_run's KVM_EXIT_MMIO member. */
    public static final StructLayout KVM_RUN_MMIO = structLayout(
            U64.withName("phys_addr"), sequenceLayout(8, U8).withName("data"), U32.withName("len"),
            U8.withName("is_write"), paddingLayout(3)).withName("mmio");

    /** kvm_run's KVM_EXIT_FAIL_ENTRY member. */
    public static final StructLayout KVM_RUN_FAIL_ENTRY = structLayout(
            U64.withName("hardware_entry_failure_reason"), U32.withName("cpu"), paddingLayout(4)).withName("fail_entry");

    /** kvm_run's KVM_EXIT_INTERNAL_ERROR member (KVM_INTERNAL_ERROR_MAX_DATA = 16). */
    public static final StructLayout KVM_RUN_INTERNAL = structLayout(
            U32.withName("suberror"), U32.withName("ndata"), sequenceLayout(16, U64).withName("data")).withName("internal");

    /** kvm_run's KVM_EXIT_UNKNOWN member. */
    public static final StructLayout KVM_RUN_HW = structLayout(U64.withName("hardware_exit_reason")).withName("hw");

    /** The offset of kvm_run's exit union (after the 32-byte header). */
    public static final long KVM_RUN_UNION_OFFSET = 32;

    /**
     * The header of struct kvm_run (include/uapi/linux/kvm.h) and the start of the exit union. The full
     * mapping is KVM_GET_VCPU_MMAP_SIZE bytes; the exit members are read at {@link #KVM_RUN_UNION_OFFSET}.
     */
    public static final StructLayout KVM_RUN_HEADER = structLayout(
            U8.withName("request_interrupt_window"), U8.withName("immediate_exit"), sequenceLayout(6, U8).withName("padding1"),
            U32.withName("exit_reason"), U8.withName("ready_for_interrupt_injection"), U8.withName("if_flag"),
            U16.withName("flags"), U64.withName("cr8"), U64.withName("apic_base")).withName("kvm_run");

    public static final StructLayout KVM_INTERRUPT = structLayout(U32.withName("irq")).withName("kvm_interrupt");

    public static final StructLayout KVM_MP_STATE = structLayout(U32.withName("mp_state")).withName("kvm_mp_state");

    /** struct kvm_signal_mask header: len, then len bytes of kernel sigset. */
    public static final StructLayout KVM_SIGNAL_MASK = structLayout(U32.withName("len")).withName("kvm_signal_mask");

    /** struct kvm_vcpu_events (asm/kvm.h, for KVM_GET/SET_VCPU_EVENTS). */
    public static final StructLayout KVM_VCPU_EVENTS = structLayout(
            structLayout(U8.withName("injected"), U8.withName("nr"), U8.withName("has_error_code"), U8.withName("pending"),
                    U32.withName("error_code")).withName("exception"),
            structLayout(U8.withName("injected"), U8.withName("nr"), U8.withName("soft"), U8.withName("shadow"))
                    .withName("interrupt"),
            structLayout(U8.withName("injected"), U8.withName("pending"), U8.withName("masked"), U8.withName("pad"))
                    .withName("nmi"),
            U32.withName("sipi_vector"), U32.withName("flags"),
            structLayout(U8.withName("smm"), U8.withName("pending"), U8.withName("smm_inside_nmi"), U8.withName("latched_init"))
                    .withName("smi"),
            sequenceLayout(27, U8).withName("reserved"), U8.withName("exception_has_payload"),
            U64.withName("exception_payload")).withName("kvm_vcpu_events");

    /** struct kvm_debugregs: db[4], dr6, dr7, flags, reserved[9]. */
    public static final StructLayout KVM_DEBUGREGS = structLayout(
            sequenceLayout(4, U64).withName("db"), U64.withName("dr6"), U64.withName("dr7"), U64.withName("flags"),
            sequenceLayout(9, U64).withName("reserved")).withName("kvm_debugregs");

    /** A __u64 argument (KVM_SET_IDENTITY_MAP_ADDR). */
    public static final ValueLayout U64_ARG = U64;

    static {
        check(KVM_REGS, 144);
        check(KVM_SEGMENT, 24);
        check(KVM_DTABLE, 16);
        check(KVM_SREGS, 312);
        check(KVM_FPU, 416);
        check(KVM_MSR_ENTRY, 16);
        check(KVM_MSRS, 8);
        check(KVM_CPUID_ENTRY2, 40);
        check(KVM_CPUID2, 8);
        check(KVM_USERSPACE_MEMORY_REGION, 32);
        check(KVM_RUN_HEADER, 32);
        check(KVM_INTERRUPT, 4);
        check(KVM_VCPU_EVENTS, 64);
        check(KVM_DEBUGREGS, 128);
        check(KVM_SIGNAL_MASK, 4);
        check(KVM_MP_STATE, 4);
    }

    private KvmLayouts() {
    }

    private static void check(MemoryLayout layout, long size) {
        if (layout.byteSize() != size) {
            throw new ExceptionInInitializerError(layout.name().orElse("?") + " is " + layout.byteSize()
                    + " bytes, the UAPI header says " + size);
        }
    }

    /** Byte offset of a (nested) field: offset(KVM_SREGS, "cs", "selector"). */
    public static long offset(MemoryLayout layout, String... path) {
        PathElement[] elements = new PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            elements[i] = PathElement.groupElement(path[i]);
        }
        return layout.byteOffset(elements);
    }
}
