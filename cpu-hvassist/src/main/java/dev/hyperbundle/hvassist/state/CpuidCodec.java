package dev.hyperbundle.hvassist.state;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.hyperbundle.hvassist.kvm.KvmIoctl.KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_CPUID2;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_CPUID_ENTRY2;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The kernel's {@link dev.hyperbundle.cpu.CpuidTable#entries()} as a struct kvm_cpuid2 for KVM_SET_CPUID2
 * (api.rst 4.46), so the guest sees the same CPU model under every backend. A leaf the table defines with
 * more than one subleaf (or a non-zero one) matches on the index (KVM_CPUID_FLAG_SIGNIFCANT_INDEX), as the
 * table itself answers undefined subleaves of such a leaf with zeros.
 */
public final class CpuidCodec {
    static final long NENT = offset(KVM_CPUID2, "nent"), FUNCTION = offset(KVM_CPUID_ENTRY2, "function"),
            INDEX = offset(KVM_CPUID_ENTRY2, "index"), FLAGS = offset(KVM_CPUID_ENTRY2, "flags"),
            EAX = offset(KVM_CPUID_ENTRY2, "eax");

    private CpuidCodec() {
    }

    public static long bytes(int entries) {
        return KVM_CPUID2.byteSize() + entries * KVM_CPUID_ENTRY2.byteSize();
    }

    /** entries: {leaf, subleaf, eax, ebx, ecx, edx}; into must hold {@link #bytes}(entries.size()). */
    public static void encode(List<int[]> entries, MemorySegment into) {
        Map<Integer, Boolean> indexed = new HashMap<>();
        Map<Integer, Integer> count = new HashMap<>();
        for (int[] e : entries) {
            count.merge(e[0], 1, Integer::sum);
            if (e[1] != 0) {
                indexed.put(e[0], true);
            }
        }
        into.asSlice(0, bytes(entries.size())).fill((byte) 0);
        into.set(JAVA_INT, NENT, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            int[] e = entries.get(i);
            long at = KVM_CPUID2.byteSize() + i * KVM_CPUID_ENTRY2.byteSize();
            boolean significant = indexed.containsKey(e[0]) || count.get(e[0]) > 1;
            into.set(JAVA_INT, at + FUNCTION, e[0]);
            into.set(JAVA_INT, at + INDEX, e[1]);
            into.set(JAVA_INT, at + FLAGS, significant ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0);
            for (int r = 0; r < 4; r++) {
                into.set(JAVA_INT, at + EAX + 4L * r, e[2 + r]);
            }
        }
    }
}
