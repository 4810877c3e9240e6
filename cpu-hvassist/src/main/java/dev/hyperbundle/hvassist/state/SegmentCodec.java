package dev.hyperbundle.hvassist.state;

import dev.hyperbundle.cpu.Segment;
import java.lang.foreign.MemorySegment;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_SEGMENT;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * {@link Segment} (VMX access-rights layout, SDM Vol. 3C 25.4.1) to and from struct kvm_segment, whose
 * attributes are one byte each and whose limit is, like ours, the expanded byte limit (KVM fills it from
 * the VMCS guest segment limit field). The 64-bit L bit is always 0 for this 32-bit machine.
 */
public final class SegmentCodec {
    static final long BASE = offset(KVM_SEGMENT, "base"), LIMIT = offset(KVM_SEGMENT, "limit"),
            SELECTOR = offset(KVM_SEGMENT, "selector"), TYPE = offset(KVM_SEGMENT, "type"),
            PRESENT = offset(KVM_SEGMENT, "present"), DPL = offset(KVM_SEGMENT, "dpl"), DB = offset(KVM_SEGMENT, "db"),
            S = offset(KVM_SEGMENT, "s"), L = offset(KVM_SEGMENT, "l"), G = offset(KVM_SEGMENT, "g"),
            AVL = offset(KVM_SEGMENT, "avl"), UNUSABLE = offset(KVM_SEGMENT, "unusable"),
            PADDING = offset(KVM_SEGMENT, "padding");

    private SegmentCodec() {
    }

    public static void encode(Segment from, MemorySegment into, long at) {
        int ar = from.access;
        into.set(JAVA_LONG, at + BASE, Integer.toUnsignedLong(from.base));
        into.set(JAVA_INT, at + LIMIT, from.limit);
        into.set(JAVA_SHORT, at + SELECTOR, (short) from.selector);
        into.set(JAVA_BYTE, at + TYPE, (byte) (ar & Segment.TYPE_MASK));
        into.set(JAVA_BYTE, at + PRESENT, bit(ar, Segment.P));
        into.set(JAVA_BYTE, at + DPL, (byte) ((ar >>> Segment.DPL_SHIFT) & 3));
        into.set(JAVA_BYTE, at + DB, bit(ar, Segment.DB));
        into.set(JAVA_BYTE, at + S, bit(ar, Segment.S));
        into.set(JAVA_BYTE, at + L, (byte) 0);
        into.set(JAVA_BYTE, at + G, bit(ar, Segment.G));
        into.set(JAVA_BYTE, at + AVL, bit(ar, Segment.AVL));
        into.set(JAVA_BYTE, at + UNUSABLE, bit(ar, Segment.UNUSABLE));
        into.set(JAVA_BYTE, at + PADDING, (byte) 0);
    }

    public static void decode(MemorySegment from, long at, Segment into) {
        into.base = (int) from.get(JAVA_LONG, at + BASE);
        into.limit = from.get(JAVA_INT, at + LIMIT);
        into.selector = from.get(JAVA_SHORT, at + SELECTOR) & 0xffff;
        int ar = from.get(JAVA_BYTE, at + TYPE) & Segment.TYPE_MASK;
        ar |= flag(from, at + PRESENT, Segment.P);
        ar |= (from.get(JAVA_BYTE, at + DPL) & 3) << Segment.DPL_SHIFT;
        ar |= flag(from, at + DB, Segment.DB);
        ar |= flag(from, at + S, Segment.S);
        ar |= flag(from, at + G, Segment.G);
        ar |= flag(from, at + AVL, Segment.AVL);
        ar |= flag(from, at + UNUSABLE, Segment.UNUSABLE);
        into.access = ar;
    }

    private static byte bit(int ar, int mask) {
        return (byte) ((ar & mask) != 0 ? 1 : 0);
    }

    private static int flag(MemorySegment m, long at, int mask) {
        return m.get(JAVA_BYTE, at) != 0 ? mask : 0;
    }
}
