package dev.hyperbundle.hvassist.state;

import dev.hyperbundle.cpu.X86CpuState;
import java.lang.foreign.MemorySegment;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_REGS;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** General registers, EIP and EFLAGS to and from struct kvm_regs (zero-extended to 64 bits). */
public final class RegsCodec {
    /** kvm_regs offset of each register in instruction-encoding order EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI. */
    static final long[] GPR = {offset(KVM_REGS, "rax"), offset(KVM_REGS, "rcx"), offset(KVM_REGS, "rdx"),
        offset(KVM_REGS, "rbx"), offset(KVM_REGS, "rsp"), offset(KVM_REGS, "rbp"), offset(KVM_REGS, "rsi"),
        offset(KVM_REGS, "rdi")};
    static final long RIP = offset(KVM_REGS, "rip"), RFLAGS = offset(KVM_REGS, "rflags");

    private RegsCodec() {
    }

    public static void encode(X86CpuState s, MemorySegment regs) {
        regs.fill((byte) 0); // r8-r15 do not exist in 32-bit mode
        for (int i = 0; i < 8; i++) {
            regs.set(JAVA_LONG, GPR[i], Integer.toUnsignedLong(s.gpr[i]));
        }
        regs.set(JAVA_LONG, RIP, Integer.toUnsignedLong(s.eip));
        regs.set(JAVA_LONG, RFLAGS, Integer.toUnsignedLong(s.eflags));
    }

    public static void decode(MemorySegment regs, X86CpuState s) {
        for (int i = 0; i < 8; i++) {
            s.gpr[i] = (int) regs.get(JAVA_LONG, GPR[i]);
        }
        s.eip = (int) regs.get(JAVA_LONG, RIP);
        s.eflags = (int) regs.get(JAVA_LONG, RFLAGS);
    }
}
