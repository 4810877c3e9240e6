package dev.hyperbundle.hvassist.state;

import dev.hyperbundle.cpu.FpuState;
import java.lang.foreign.MemorySegment;

import static dev.hyperbundle.hvassist.kvm.KvmLayouts.KVM_FPU;
import static dev.hyperbundle.hvassist.kvm.KvmLayouts.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * x87 state to and from struct kvm_fpu, which KVM copies from and to the FXSAVE image
 * (arch/x86/kvm/x86.c kvm_arch_vcpu_ioctl_get_fpu: fpr = fxsave->st_space, ftwx = fxsave->ftw,
 * last_ip = fxsave->rip, last_dp = fxsave->rdp).
 *
 * <ul>
 *   <li>fpr[i] is ST(i), i.e. physical register R((TOP + i) mod 8) (SDM Vol. 1, 10.5.1, FXSAVE: "ST0/MM0"
 *   ... registers are stored in stack order); each 16-byte slot holds the 64-bit significand then the
 *   16-bit sign/exponent.</li>
 *   <li>ftwx is the abridged tag: bit j = 1 when physical register Rj is not empty. The full tag word is
 *   rebuilt from the register contents as FXRSTOR does (valid, zero, special: SDM Vol. 1, 8.1.7 and
 *   table 10-2 "Recreating FSAVE format").</li>
 *   <li>FXSAVE's 64-bit format has one 64-bit instruction and data pointer each; a 32-bit guest's
 *   FCS:FIP and FDS:FDP are kept as segment << 32 | offset so they survive a round trip.</li>
 *   <li>xmm and mxcsr are left as they are (this machine has no SSE in CPUID).</li>
 * </ul>
 */
public final class FpuCodec {
    static final long FPR = offset(KVM_FPU, "fpr"), FCW = offset(KVM_FPU, "fcw"), FSW = offset(KVM_FPU, "fsw"),
            FTWX = offset(KVM_FPU, "ftwx"), PAD1 = offset(KVM_FPU, "pad1"), LAST_OPCODE = offset(KVM_FPU, "last_opcode"),
            LAST_IP = offset(KVM_FPU, "last_ip"), LAST_DP = offset(KVM_FPU, "last_dp");

    private FpuCodec() {
    }

    public static void encode(FpuState f, MemorySegment fpu) {
        int top = f.top();
        for (int i = 0; i < 8; i++) {
            int r = (top + i) & 7;
            long slot = FPR + 16L * i;
            fpu.set(JAVA_LONG, slot, f.mantissa[r]);
            fpu.set(JAVA_SHORT, slot + 8, (short) f.signExponent[r]);
            for (int b = 10; b < 16; b++) {
                fpu.set(JAVA_BYTE, slot + b, (byte) 0);
            }
        }
        fpu.set(JAVA_SHORT, FCW, (short) f.fcw);
        fpu.set(JAVA_SHORT, FSW, (short) f.fsw);
        fpu.set(JAVA_BYTE, FTWX, (byte) abridgedTag(f.ftw));
        fpu.set(JAVA_BYTE, PAD1, (byte) 0);
        fpu.set(JAVA_SHORT, LAST_OPCODE, (short) (f.fop & 0x7ff));
        fpu.set(JAVA_LONG, LAST_IP, (long) (f.fcs & 0xffff) << 32 | Integer.toUnsignedLong(f.fip));
        fpu.set(JAVA_LONG, LAST_DP, (long) (f.fds & 0xffff) << 32 | Integer.toUnsignedLong(f.fdp));
    }

    public static void decode(MemorySegment fpu, FpuState f) {
        f.fcw = fpu.get(JAVA_SHORT, FCW) & 0xffff;
        f.fsw = fpu.get(JAVA_SHORT, FSW) & 0xffff;
        int top = f.top();
        for (int i = 0; i < 8; i++) {
            int r = (top + i) & 7;
            long slot = FPR + 16L * i;
            f.mantissa[r] = fpu.get(JAVA_LONG, slot);
            f.signExponent[r] = fpu.get(JAVA_SHORT, slot + 8) & 0xffff;
        }
        f.ftw = fullTag(fpu.get(JAVA_BYTE, FTWX) & 0xff, f.mantissa, f.signExponent);
        f.fop = fpu.get(JAVA_SHORT, LAST_OPCODE) & 0x7ff;
        long ip = fpu.get(JAVA_LONG, LAST_IP);
        long dp = fpu.get(JAVA_LONG, LAST_DP);
        f.fip = (int) ip;
        f.fcs = (int) (ip >>> 32) & 0xffff;
        f.fdp = (int) dp;
        f.fds = (int) (dp >>> 32) & 0xffff;
    }

    /** Bit j set when tag j (two bits per physical register) is not 11 (empty). */
    public static int abridgedTag(int ftw) {
        int a = 0;
        for (int j = 0; j < 8; j++) {
            if (((ftw >>> (2 * j)) & 3) != 3) {
                a |= 1 << j;
            }
        }
        return a;
    }

    /** The full tag word for an abridged tag and the physical registers' contents. */
    public static int fullTag(int abridged, long[] mantissa, int[] signExponent) {
        int ftw = 0;
        for (int j = 0; j < 8; j++) {
            int tag;
            if ((abridged & (1 << j)) == 0) {
                tag = 3; // empty
            } else {
                tag = tagOf(mantissa[j], signExponent[j]);
            }
            ftw |= tag << (2 * j);
        }
        return ftw;
    }

    /** 00 valid, 01 zero, 10 special (NaN, infinity, denormal, unsupported/unnormal). */
    static int tagOf(long mantissa, int signExponent) {
        int exponent = signExponent & 0x7fff;
        if (exponent == 0x7fff) {
            return 2;
        }
        if (exponent == 0) {
            return mantissa == 0 ? 1 : 2;
        }
        return mantissa < 0 ? 0 : 2; // integer bit (63) clear with a non-zero exponent: unnormal
    }
}
