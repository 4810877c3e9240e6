package dev.hyperbundle.hvassist.state;

import dev.hyperbundle.cpu.X86CpuState;
import java.lang.foreign.MemorySegment;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_SREGS;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Segments, descriptor tables and control registers to and from struct kvm_sregs. Encoding overwrites
 * what the 32-bit state defines and keeps cr8, efer and apic_base as KVM reported them (read-modify-write);
 * the interrupt bitmap is cleared: a pending interrupt travels in kvm_vcpu_events instead (api.rst 4.14).
 */
public final class SregsCodec {
    /** kvm_sregs offsets of ES, CS, SS, DS, FS, GS (our index order). */
    static final long[] SEG = {offset(KVM_SREGS, "es"), offset(KVM_SREGS, "cs"), offset(KVM_SREGS, "ss"),
        offset(KVM_SREGS, "ds"), offset(KVM_SREGS, "fs"), offset(KVM_SREGS, "gs")};
    static final long TR = offset(KVM_SREGS, "tr"), LDT = offset(KVM_SREGS, "ldt");
    static final long GDT_BASE = offset(KVM_SREGS, "gdt", "base"), GDT_LIMIT = offset(KVM_SREGS, "gdt", "limit");
    static final long IDT_BASE = offset(KVM_SREGS, "idt", "base"), IDT_LIMIT = offset(KVM_SREGS, "idt", "limit");
    static final long CR0 = offset(KVM_SREGS, "cr0"), CR2 = offset(KVM_SREGS, "cr2"), CR3 = offset(KVM_SREGS, "cr3"),
            CR4 = offset(KVM_SREGS, "cr4"), EFER = offset(KVM_SREGS, "efer"),
            INTERRUPT_BITMAP = offset(KVM_SREGS, "interrupt_bitmap");

    private SregsCodec() {
    }

    public static void encode(X86CpuState s, MemorySegment sregs) {
        for (int i = 0; i < 6; i++) {
            SegmentCodec.encode(s.seg[i], sregs, SEG[i]);
        }
        SegmentCodec.encode(s.tr, sregs, TR);
        SegmentCodec.encode(s.ldtr, sregs, LDT);
        sregs.set(JAVA_LONG, GDT_BASE, Integer.toUnsignedLong(s.gdtBase));
        sregs.set(JAVA_SHORT, GDT_LIMIT, (short) s.gdtLimit);
        sregs.set(JAVA_LONG, IDT_BASE, Integer.toUnsignedLong(s.idtBase));
        sregs.set(JAVA_SHORT, IDT_LIMIT, (short) s.idtLimit);
        sregs.set(JAVA_LONG, CR0, Integer.toUnsignedLong(s.cr0));
        sregs.set(JAVA_LONG, CR2, Integer.toUnsignedLong(s.cr2));
        sregs.set(JAVA_LONG, CR3, Integer.toUnsignedLong(s.cr3));
        sregs.set(JAVA_LONG, CR4, Integer.toUnsignedLong(s.cr4));
        sregs.set(JAVA_LONG, EFER, 0); // no long mode, no NX: this machine has no EFER in its CPUID
        for (int i = 0; i < 4; i++) {
            sregs.set(JAVA_LONG, INTERRUPT_BITMAP + 8L * i, 0);
        }
    }

    public static void decode(MemorySegment sregs, X86CpuState s) {
        for (int i = 0; i < 6; i++) {
            SegmentCodec.decode(sregs, SEG[i], s.seg[i]);
        }
        SegmentCodec.decode(sregs, TR, s.tr);
        SegmentCodec.decode(sregs, LDT, s.ldtr);
        s.gdtBase = (int) sregs.get(JAVA_LONG, GDT_BASE);
        s.gdtLimit = sregs.get(JAVA_SHORT, GDT_LIMIT) & 0xffff;
        s.idtBase = (int) sregs.get(JAVA_LONG, IDT_BASE);
        s.idtLimit = sregs.get(JAVA_SHORT, IDT_LIMIT) & 0xffff;
        s.cr0 = (int) sregs.get(JAVA_LONG, CR0);
        s.cr2 = (int) sregs.get(JAVA_LONG, CR2);
        s.cr3 = (int) sregs.get(JAVA_LONG, CR3);
        s.cr4 = (int) sregs.get(JAVA_LONG, CR4);
    }

    /** The first pending interrupt in kvm_sregs.interrupt_bitmap, or -1. */
    public static int pendingInterrupt(MemorySegment sregs) {
        for (int i = 0; i < 4; i++) {
            long w = sregs.get(JAVA_LONG, INTERRUPT_BITMAP + 8L * i);
            if (w != 0) {
                return i * 64 + Long.numberOfTrailingZeros(w);
            }
        }
        return -1;
    }
}
