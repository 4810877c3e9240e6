package dev.hyperbundle.hvassist.state;

import dev.hyperbundle.cpu.X86CpuState;
import java.lang.foreign.MemorySegment;

import static dev.hyperbundle.hvassist.kvm.KvmIoctl.KVM_VCPUEVENT_VALID_NMI_PENDING;
import static dev.hyperbundle.hvassist.kvm.KvmIoctl.KVM_VCPUEVENT_VALID_SHADOW;
import static dev.hyperbundle.hvassist.kvm.KvmIoctl.KVM_X86_SHADOW_INT_MOV_SS;
import static dev.hyperbundle.hvassist.kvm.KvmIoctl.KVM_X86_SHADOW_INT_STI;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_VCPU_EVENTS;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Pending events, the interrupt shadow and NMI blocking to and from struct kvm_vcpu_events
 * (api.rst 4.31 KVM_GET_VCPU_EVENTS / 4.32 KVM_SET_VCPU_EVENTS).
 *
 * <p>An injected-but-not-delivered exception or external interrupt becomes {@link X86CpuState#pendingVector}.
 * KVM reports an NMI it was asked for (KVM_NMI) but has not delivered as nmi.pending or nmi.injected; the
 * state value has no field for a latched NMI, so it travels as pending vector 2 (delivered through the IDT
 * like an external interrupt by the emulators). The shadow bits differ: KVM's bit 0 is MOV SS, ours is STI.
 */
public final class EventsCodec {
    static final long EXC_INJECTED = offset(KVM_VCPU_EVENTS, "exception", "injected"),
            EXC_NR = offset(KVM_VCPU_EVENTS, "exception", "nr"),
            EXC_HAS_ERROR = offset(KVM_VCPU_EVENTS, "exception", "has_error_code"),
            EXC_PENDING = offset(KVM_VCPU_EVENTS, "exception", "pending"),
            EXC_ERROR = offset(KVM_VCPU_EVENTS, "exception", "error_code"),
            INT_INJECTED = offset(KVM_VCPU_EVENTS, "interrupt", "injected"),
            INT_NR = offset(KVM_VCPU_EVENTS, "interrupt", "nr"),
            INT_SHADOW = offset(KVM_VCPU_EVENTS, "interrupt", "shadow"),
            NMI_INJECTED = offset(KVM_VCPU_EVENTS, "nmi", "injected"),
            NMI_PENDING = offset(KVM_VCPU_EVENTS, "nmi", "pending"),
            NMI_MASKED = offset(KVM_VCPU_EVENTS, "nmi", "masked"),
            FLAGS = offset(KVM_VCPU_EVENTS, "flags");
    /** The NMI vector (SDM Vol. 3A, 6.3.1). */
    public static final int NMI_VECTOR = 2;

    private EventsCodec() {
    }

    public static void decode(MemorySegment ev, X86CpuState s) {
        s.pendingVector = -1;
        s.pendingIsException = false;
        s.pendingHasErrorCode = false;
        s.pendingErrorCode = 0;
        if (ev.get(JAVA_BYTE, EXC_INJECTED) != 0 || ev.get(JAVA_BYTE, EXC_PENDING) != 0) {
            s.pendingVector = ev.get(JAVA_BYTE, EXC_NR) & 0xff;
            s.pendingIsException = true;
            s.pendingHasErrorCode = ev.get(JAVA_BYTE, EXC_HAS_ERROR) != 0;
            s.pendingErrorCode = s.pendingHasErrorCode ? ev.get(JAVA_INT, EXC_ERROR) : 0;
        } else if (ev.get(JAVA_BYTE, INT_INJECTED) != 0) {
            s.pendingVector = ev.get(JAVA_BYTE, INT_NR) & 0xff;
        } else if (ev.get(JAVA_BYTE, NMI_INJECTED) != 0 || ev.get(JAVA_BYTE, NMI_PENDING) != 0) {
            s.pendingVector = NMI_VECTOR;
        }
        int shadow = ev.get(JAVA_BYTE, INT_SHADOW);
        s.interruptShadow = ((shadow & KVM_X86_SHADOW_INT_STI) != 0 ? X86CpuState.SHADOW_STI : 0)
                | ((shadow & KVM_X86_SHADOW_INT_MOV_SS) != 0 ? X86CpuState.SHADOW_MOV_SS : 0);
        s.nmiBlocked = ev.get(JAVA_BYTE, NMI_MASKED) != 0;
    }

    public static void encode(X86CpuState s, MemorySegment ev) {
        ev.fill((byte) 0);
        if (s.pendingVector >= 0) {
            if (s.pendingIsException) {
                ev.set(JAVA_BYTE, EXC_INJECTED, (byte) 1);
                ev.set(JAVA_BYTE, EXC_NR, (byte) s.pendingVector);
                ev.set(JAVA_BYTE, EXC_HAS_ERROR, (byte) (s.pendingHasErrorCode ? 1 : 0));
                ev.set(JAVA_INT, EXC_ERROR, s.pendingHasErrorCode ? s.pendingErrorCode : 0);
            } else {
                ev.set(JAVA_BYTE, INT_INJECTED, (byte) 1);
                ev.set(JAVA_BYTE, INT_NR, (byte) s.pendingVector);
            }
        }
        int shadow = ((s.interruptShadow & X86CpuState.SHADOW_STI) != 0 ? KVM_X86_SHADOW_INT_STI : 0)
                | ((s.interruptShadow & X86CpuState.SHADOW_MOV_SS) != 0 ? KVM_X86_SHADOW_INT_MOV_SS : 0);
        ev.set(JAVA_BYTE, INT_SHADOW, (byte) shadow);
        ev.set(JAVA_BYTE, NMI_MASKED, (byte) (s.nmiBlocked ? 1 : 0));
        // nmi.pending = 0 is valid with this flag: latched NMIs stay in CpuInterrupts until injected.
        ev.set(JAVA_INT, FLAGS, KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_NMI_PENDING);
    }
}
