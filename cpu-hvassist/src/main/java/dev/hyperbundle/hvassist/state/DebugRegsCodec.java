package dev.hyperbundle.hvassist.state;

import dev.hyperbundle.cpu.X86CpuState;
import java.lang.foreign.MemorySegment;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_DEBUGREGS;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** DR0-DR3, DR6, DR7 to and from struct kvm_debugregs (api.rst 4.34); DR4/DR5 stay 0 in the state. */
public final class DebugRegsCodec {
    static final long DB = offset(KVM_DEBUGREGS, "db"), DR6 = offset(KVM_DEBUGREGS, "dr6"),
            DR7 = offset(KVM_DEBUGREGS, "dr7");

    private DebugRegsCodec() {
    }

    public static void encode(X86CpuState s, MemorySegment d) {
        d.fill((byte) 0);
        for (int i = 0; i < 4; i++) {
            d.set(JAVA_LONG, DB + 8L * i, Integer.toUnsignedLong(s.dr[i]));
        }
        d.set(JAVA_LONG, DR6, Integer.toUnsignedLong(s.dr[6]));
        d.set(JAVA_LONG, DR7, Integer.toUnsignedLong(s.dr[7]));
    }

    public static void decode(MemorySegment d, X86CpuState s) {
        for (int i = 0; i < 4; i++) {
            s.dr[i] = (int) d.get(JAVA_LONG, DB + 8L * i);
        }
        s.dr[4] = 0;
        s.dr[5] = 0;
        s.dr[6] = (int) d.get(JAVA_LONG, DR6);
        s.dr[7] = (int) d.get(JAVA_LONG, DR7);
    }
}
