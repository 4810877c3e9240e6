package dev.hyperbundle.hvassist.kvm;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemoryLayout;
import org.junit.jupiter.api.Test;

/**
 * Sizes and offsets written down from the x86-64 UAPI headers (Linux arch/x86/include/uapi/asm/kvm.h and
 * include/uapi/linux/kvm.h; cross-checked here with offsetof/sizeof compiled against this host's
 * /usr/include/linux/kvm.h).
 */
class KvmLayoutsTest {
    private static void at(long expected, MemoryLayout layout, String... path) {
        assertEquals(expected, offset(layout, path), layout.name().orElse("?") + "." + String.join(".", path));
    }

    @Test
    void kvmRegs() { // asm/kvm.h struct kvm_regs
        assertEquals(144, KVM_REGS.byteSize());
        at(0, KVM_REGS, "rax");
        at(8, KVM_REGS, "rbx");
        at(16, KVM_REGS, "rcx");
        at(24, KVM_REGS, "rdx");
        at(32, KVM_REGS, "rsi");
        at(40, KVM_REGS, "rdi");
        at(48, KVM_REGS, "rsp");
        at(56, KVM_REGS, "rbp");
        at(128, KVM_REGS, "rip");
        at(136, KVM_REGS, "rflags");
    }

    @Test
    void kvmSegmentAndDtable() { // asm/kvm.h struct kvm_segment, struct kvm_dtable
        assertEquals(24, KVM_SEGMENT.byteSize());
        at(0, KVM_SEGMENT, "base");
        at(8, KVM_SEGMENT, "limit");
        at(12, KVM_SEGMENT, "selector");
        at(14, KVM_SEGMENT, "type");
        at(15, KVM_SEGMENT, "present");
        at(16, KVM_SEGMENT, "dpl");
        at(17, KVM_SEGMENT, "db");
        at(18, KVM_SEGMENT, "s");
        at(19, KVM_SEGMENT, "l");
        at(20, KVM_SEGMENT, "g");
        at(21, KVM_SEGMENT, "avl");
        at(22, KVM_SEGMENT, "unusable");
        assertEquals(16, KVM_DTABLE.byteSize());
        at(8, KVM_DTABLE, "limit");
    }

    @Test
    void kvmSregs() { // asm/kvm.h struct kvm_sregs
        assertEquals(312, KVM_SREGS.byteSize());
        at(0, KVM_SREGS, "cs");
        at(24, KVM_SREGS, "ds");
        at(48, KVM_SREGS, "es");
        at(72, KVM_SREGS, "fs");
        at(96, KVM_SREGS, "gs");
        at(120, KVM_SREGS, "ss");
        at(144, KVM_SREGS, "tr");
        at(168, KVM_SREGS, "ldt");
        at(192, KVM_SREGS, "gdt");
        at(208, KVM_SREGS, "idt");
        at(224, KVM_SREGS, "cr0");
        at(232, KVM_SREGS, "cr2");
        at(240, KVM_SREGS, "cr3");
        at(248, KVM_SREGS, "cr4");
        at(256, KVM_SREGS, "cr8");
        at(264, KVM_SREGS, "efer");
        at(272, KVM_SREGS, "apic_base");
        at(280, KVM_SREGS, "interrupt_bitmap");
    }

    @Test
    void kvmFpu() { // asm/kvm.h struct kvm_fpu
        assertEquals(416, KVM_FPU.byteSize());
        at(0, KVM_FPU, "fpr");
        at(128, KVM_FPU, "fcw");
        at(130, KVM_FPU, "fsw");
        at(132, KVM_FPU, "ftwx");
        at(134, KVM_FPU, "last_opcode");
        at(136, KVM_FPU, "last_ip");
        at(144, KVM_FPU, "last_dp");
        at(152, KVM_FPU, "xmm");
        at(408, KVM_FPU, "mxcsr");
    }

    @Test
    void msrsAndCpuid() { // asm/kvm.h struct kvm_msrs, kvm_msr_entry, kvm_cpuid2, kvm_cpuid_entry2
        assertEquals(8, KVM_MSRS.byteSize());
        assertEquals(16, KVM_MSR_ENTRY.byteSize());
        at(8, KVM_MSR_ENTRY, "data");
        assertEquals(8, KVM_CPUID2.byteSize());
        assertEquals(40, KVM_CPUID_ENTRY2.byteSize());
        at(4, KVM_CPUID_ENTRY2, "index");
        at(8, KVM_CPUID_ENTRY2, "flags");
        at(12, KVM_CPUID_ENTRY2, "eax");
        at(16, KVM_CPUID_ENTRY2, "ebx");
        at(20, KVM_CPUID_ENTRY2, "ecx");
        at(24, KVM_CPUID_ENTRY2, "edx");
    }

    @Test
    void userspaceMemoryRegion() { // linux/kvm.h struct kvm_userspace_memory_region
        assertEquals(32, KVM_USERSPACE_MEMORY_REGION.byteSize());
        at(4, KVM_USERSPACE_MEMORY_REGION, "flags");
        at(8, KVM_USERSPACE_MEMORY_REGION, "guest_phys_addr");
        at(16, KVM_USERSPACE_MEMORY_REGION, "memory_size");
        at(24, KVM_USERSPACE_MEMORY_REGION, "userspace_addr");
    }

    @Test
    void kvmRun() { // linux/kvm.h struct kvm_run: header, then the exit union at 32
        at(0, KVM_RUN_HEADER, "request_interrupt_window");
        at(1, KVM_RUN_HEADER, "immediate_exit");
        at(8, KVM_RUN_HEADER, "exit_reason");
        at(12, KVM_RUN_HEADER, "ready_for_interrupt_injection");
        at(13, KVM_RUN_HEADER, "if_flag");
        at(14, KVM_RUN_HEADER, "flags");
        at(16, KVM_RUN_HEADER, "cr8");
        at(24, KVM_RUN_HEADER, "apic_base");
        assertEquals(32, KVM_RUN_UNION_OFFSET);
        // kvm_run.io.*: direction 32, size 33, port 34, count 36, data_offset 40
        assertEquals(32, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "direction"));
        assertEquals(33, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "size"));
        assertEquals(34, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "port"));
        assertEquals(36, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "count"));
        assertEquals(40, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_IO, "data_offset"));
        // kvm_run.mmio.*: phys_addr 32, data 40, len 48, is_write 52
        assertEquals(32, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "phys_addr"));
        assertEquals(40, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "data"));
        assertEquals(48, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "len"));
        assertEquals(52, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_MMIO, "is_write"));
        // fail_entry, internal, hw
        assertEquals(32, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_FAIL_ENTRY, "hardware_entry_failure_reason"));
        assertEquals(40, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_FAIL_ENTRY, "cpu"));
        assertEquals(32, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_INTERNAL, "suberror"));
        assertEquals(36, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_INTERNAL, "ndata"));
        assertEquals(40, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_INTERNAL, "data"));
        assertEquals(32, KVM_RUN_UNION_OFFSET + offset(KVM_RUN_HW, "hardware_exit_reason"));
    }

    @Test
    void smallStructs() { // linux/kvm.h kvm_interrupt, kvm_signal_mask, kvm_mp_state
        assertEquals(4, KVM_INTERRUPT.byteSize());
        assertEquals(4, KVM_SIGNAL_MASK.byteSize());
        assertEquals(4, KVM_MP_STATE.byteSize());
    }

    @Test
    void vcpuEvents() { // asm/kvm.h struct kvm_vcpu_events
        assertEquals(64, KVM_VCPU_EVENTS.byteSize());
        at(0, KVM_VCPU_EVENTS, "exception", "injected");
        at(1, KVM_VCPU_EVENTS, "exception", "nr");
        at(2, KVM_VCPU_EVENTS, "exception", "has_error_code");
        at(3, KVM_VCPU_EVENTS, "exception", "pending");
        at(4, KVM_VCPU_EVENTS, "exception", "error_code");
        at(8, KVM_VCPU_EVENTS, "interrupt", "injected");
        at(9, KVM_VCPU_EVENTS, "interrupt", "nr");
        at(10, KVM_VCPU_EVENTS, "interrupt", "soft");
        at(11, KVM_VCPU_EVENTS, "interrupt", "shadow");
        at(12, KVM_VCPU_EVENTS, "nmi", "injected");
        at(13, KVM_VCPU_EVENTS, "nmi", "pending");
        at(14, KVM_VCPU_EVENTS, "nmi", "masked");
        at(16, KVM_VCPU_EVENTS, "sipi_vector");
        at(20, KVM_VCPU_EVENTS, "flags");
        at(24, KVM_VCPU_EVENTS, "smi");
        at(55, KVM_VCPU_EVENTS, "exception_has_payload");
        at(56, KVM_VCPU_EVENTS, "exception_payload");
    }

    @Test
    void debugregs() { // asm/kvm.h struct kvm_debugregs
        assertEquals(128, KVM_DEBUGREGS.byteSize());
        at(32, KVM_DEBUGREGS, "dr6");
        at(40, KVM_DEBUGREGS, "dr7");
        at(48, KVM_DEBUGREGS, "flags");
    }
}
