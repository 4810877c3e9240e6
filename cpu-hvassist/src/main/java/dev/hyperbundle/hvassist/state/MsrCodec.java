package dev.hyperbundle.hvassist.state;

import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.hvassist.kvm.KvmLayouts;
import java.lang.foreign.MemorySegment;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_MSRS;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_MSR_ENTRY;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The architectural MSRs of the state value as a struct kvm_msrs with its entries (api.rst 4.18/4.19):
 * IA32_TIME_STAMP_COUNTER (0x10), IA32_SYSENTER_CS/ESP/EIP (0x174-0x176) (SDM Vol. 4, table 2-2).
 */
public final class MsrCodec {
    public static final int IA32_TSC = 0x10, IA32_SYSENTER_CS = 0x174, IA32_SYSENTER_ESP = 0x175, IA32_SYSENTER_EIP = 0x176;
    public static final int[] INDEXES = {IA32_TSC, IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP};
    /** Bytes of a kvm_msrs with every entry. */
    public static final long BYTES = KVM_MSRS.byteSize() + INDEXES.length * KVM_MSR_ENTRY.byteSize();

    static final long NMSRS = offset(KVM_MSRS, "nmsrs"), INDEX = offset(KVM_MSR_ENTRY, "index"),
            DATA = offset(KVM_MSR_ENTRY, "data");

    private MsrCodec() {
    }

    static long entry(int i) {
        return KvmLayouts.KVM_MSRS.byteSize() + i * KVM_MSR_ENTRY.byteSize();
    }

    /** The indexes to read, with zero data (for KVM_GET_MSRS). */
    public static void encodeIndexes(MemorySegment msrs) {
        msrs.asSlice(0, BYTES).fill((byte) 0);
        msrs.set(JAVA_INT, NMSRS, INDEXES.length);
        for (int i = 0; i < INDEXES.length; i++) {
            msrs.set(JAVA_INT, entry(i) + INDEX, INDEXES[i]);
        }
    }

    public static void encode(X86CpuState s, MemorySegment msrs) {
        encodeIndexes(msrs);
        long[] values = {s.tsc, Integer.toUnsignedLong(s.sysenterCs), Integer.toUnsignedLong(s.sysenterEsp),
            Integer.toUnsignedLong(s.sysenterEip)};
        for (int i = 0; i < INDEXES.length; i++) {
            msrs.set(JAVA_LONG, entry(i) + DATA, values[i]);
        }
    }

    public static void decode(MemorySegment msrs, X86CpuState s) {
        for (int i = 0; i < INDEXES.length; i++) {
            int index = msrs.get(JAVA_INT, entry(i) + INDEX);
            long value = msrs.get(JAVA_LONG, entry(i) + DATA);
            switch (index) {
                case IA32_TSC -> s.tsc = value;
                case IA32_SYSENTER_CS -> s.sysenterCs = (int) value;
                case IA32_SYSENTER_ESP -> s.sysenterEsp = (int) value;
                case IA32_SYSENTER_EIP -> s.sysenterEip = (int) value;
                default -> throw new IllegalArgumentException(String.format("unexpected MSR 0x%x in kvm_msrs", index));
            }
        }
    }
}
