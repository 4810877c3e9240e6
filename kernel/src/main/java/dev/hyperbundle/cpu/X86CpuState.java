package dev.hyperbundle.cpu;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The complete architectural state of one 32-bit x86 vCPU at an instruction boundary. Every CPU backend
 * saves into it and restores from it; that is what makes live switching between backends and snapshots
 * possible. It holds only architectural state: a backend's caches (TLB, translated code, decoded
 * instructions) are rebuilt from it.
 *
 * <p>Register indexes follow the instruction encoding: {@link #EAX} = 0 ... {@link #EDI} = 7 and
 * {@link #ES} = 0 ... {@link #GS} = 5.
 */
public final class X86CpuState {
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    /** Interrupt shadow bits (SDM Vol. 3C, 25.4.2 "Interruptibility state"). */
    public static final int SHADOW_STI = 1, SHADOW_MOV_SS = 2;

    /** Format version of {@link #toBytes()}. */
    public static final int FORMAT_VERSION = 1;

    public final int[] gpr = new int[8];
    public int eip;
    public int eflags = 0x2;
    public final Segment[] seg = {new Segment(), new Segment(), new Segment(), new Segment(), new Segment(), new Segment()};
    public final Segment ldtr = new Segment();
    public final Segment tr = new Segment();
    public int gdtBase;
    public int gdtLimit;
    public int idtBase;
    public int idtLimit;
    public int cr0;
    public int cr2;
    public int cr3;
    public int cr4;
    /** DR0-DR7 (DR4/DR5 are aliases and kept as 0). */
    public final int[] dr = new int[8];

    /** IA32_TIME_STAMP_COUNTER as the guest would read it now. */
    public long tsc;
    public int sysenterCs;
    public int sysenterEsp;
    public int sysenterEip;

    public final FpuState fpu = new FpuState();

    /** An event accepted but not yet delivered (e.g. an exit in the middle of an injection), or -1. */
    public int pendingVector = -1;
    /** True when {@link #pendingVector} is an exception (not an external interrupt). */
    public boolean pendingIsException;
    public boolean pendingHasErrorCode;
    public int pendingErrorCode;
    /** Bits {@link #SHADOW_STI}, {@link #SHADOW_MOV_SS}: interrupts are held off for one instruction. */
    public int interruptShadow;
    /** NMIs are blocked until the next IRET. */
    public boolean nmiBlocked;
    /** The CPU executed HLT and waits for an interrupt. */
    public boolean halted;

    /** The state after RESET (SDM Vol. 3A, 10.1.1, table "IA-32 Processor States Following Power-up"). */
    public static X86CpuState afterReset(int cpuidSignature) {
        X86CpuState s = new X86CpuState();
        s.eip = 0xfff0;
        s.eflags = 0x2;
        s.cr0 = 0x60000010;
        s.gpr[EDX] = cpuidSignature;
        for (int i = 0; i < 6; i++) {
            s.seg[i].set(Segment.realMode(0, 3)); // read/write data, accessed
        }
        s.seg[CS].set(new Segment(0xf000, 0xffff0000, 0xffff, 0xb | Segment.S | Segment.P)); // code, exec/read, accessed
        s.gdtLimit = 0xffff;
        s.idtLimit = 0xffff;
        s.ldtr.set(new Segment(0, 0, 0xffff, 0x2 | Segment.P));
        s.tr.set(new Segment(0, 0, 0xffff, 0xb | Segment.P));
        s.dr[6] = 0xffff0ff0;
        s.dr[7] = 0x400;
        s.fpu.init();
        s.fpu.fcw = 0x40; // FPU state after RESET differs from FNINIT (SDM Vol. 3A table 10-1)
        s.fpu.ftw = 0x5555;
        return s;
    }

    public X86CpuState copy() {
        X86CpuState s = new X86CpuState();
        s.set(this);
        return s;
    }

    public void set(X86CpuState o) {
        System.arraycopy(o.gpr, 0, gpr, 0, 8);
        eip = o.eip;
        eflags = o.eflags;
        for (int i = 0; i < 6; i++) {
            seg[i].set(o.seg[i]);
        }
        ldtr.set(o.ldtr);
        tr.set(o.tr);
        gdtBase = o.gdtBase;
        gdtLimit = o.gdtLimit;
        idtBase = o.idtBase;
        idtLimit = o.idtLimit;
        cr0 = o.cr0;
        cr2 = o.cr2;
        cr3 = o.cr3;
        cr4 = o.cr4;
        System.arraycopy(o.dr, 0, dr, 0, 8);
        tsc = o.tsc;
        sysenterCs = o.sysenterCs;
        sysenterEsp = o.sysenterEsp;
        sysenterEip = o.sysenterEip;
        fpu.set(o.fpu);
        pendingVector = o.pendingVector;
        pendingIsException = o.pendingIsException;
        pendingHasErrorCode = o.pendingHasErrorCode;
        pendingErrorCode = o.pendingErrorCode;
        interruptShadow = o.interruptShadow;
        nmiBlocked = o.nmiBlocked;
        halted = o.halted;
    }

    /** A versioned binary form, for snapshots. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT_VERSION);
            for (int r : gpr) {
                out.writeInt(r);
            }
            out.writeInt(eip);
            out.writeInt(eflags);
            for (Segment s : seg) {
                writeSegment(out, s);
            }
            writeSegment(out, ldtr);
            writeSegment(out, tr);
            for (int v : new int[] {gdtBase, gdtLimit, idtBase, idtLimit, cr0, cr2, cr3, cr4}) {
                out.writeInt(v);
            }
            for (int r : dr) {
                out.writeInt(r);
            }
            out.writeLong(tsc);
            out.writeInt(sysenterCs);
            out.writeInt(sysenterEsp);
            out.writeInt(sysenterEip);
            for (int i = 0; i < 8; i++) {
                out.writeLong(fpu.mantissa[i]);
                out.writeInt(fpu.signExponent[i]);
            }
            for (int v : new int[] {fpu.fcw, fpu.fsw, fpu.ftw, fpu.fop, fpu.fip, fpu.fcs, fpu.fdp, fpu.fds}) {
                out.writeInt(v);
            }
            out.writeInt(pendingVector);
            out.writeBoolean(pendingIsException);
            out.writeBoolean(pendingHasErrorCode);
            out.writeInt(pendingErrorCode);
            out.writeInt(interruptShadow);
            out.writeBoolean(nmiBlocked);
            out.writeBoolean(halted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads the form written by {@link #toBytes()}. */
    public static X86CpuState fromBytes(byte[] data) {
        X86CpuState s = new X86CpuState();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readInt();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("CPU state format version " + version + " is not supported (expected "
                        + FORMAT_VERSION + ")");
            }
            for (int i = 0; i < 8; i++) {
                s.gpr[i] = in.readInt();
            }
            s.eip = in.readInt();
            s.eflags = in.readInt();
            for (Segment g : s.seg) {
                readSegment(in, g);
            }
            readSegment(in, s.ldtr);
            readSegment(in, s.tr);
            s.gdtBase = in.readInt();
            s.gdtLimit = in.readInt();
            s.idtBase = in.readInt();
            s.idtLimit = in.readInt();
            s.cr0 = in.readInt();
            s.cr2 = in.readInt();
            s.cr3 = in.readInt();
            s.cr4 = in.readInt();
            for (int i = 0; i < 8; i++) {
                s.dr[i] = in.readInt();
            }
            s.tsc = in.readLong();
            s.sysenterCs = in.readInt();
            s.sysenterEsp = in.readInt();
            s.sysenterEip = in.readInt();
            for (int i = 0; i < 8; i++) {
                s.fpu.mantissa[i] = in.readLong();
                s.fpu.signExponent[i] = in.readInt();
            }
            s.fpu.fcw = in.readInt();
            s.fpu.fsw = in.readInt();
            s.fpu.ftw = in.readInt();
            s.fpu.fop = in.readInt();
            s.fpu.fip = in.readInt();
            s.fpu.fcs = in.readInt();
            s.fpu.fdp = in.readInt();
            s.fpu.fds = in.readInt();
            s.pendingVector = in.readInt();
            s.pendingIsException = in.readBoolean();
            s.pendingHasErrorCode = in.readBoolean();
            s.pendingErrorCode = in.readInt();
            s.interruptShadow = in.readInt();
            s.nmiBlocked = in.readBoolean();
            s.halted = in.readBoolean();
        } catch (IOException e) {
            throw new IllegalArgumentException("CPU state is truncated", e);
        }
        return s;
    }

    private static void writeSegment(DataOutputStream out, Segment s) throws IOException {
        out.writeInt(s.selector);
        out.writeInt(s.base);
        out.writeInt(s.limit);
        out.writeInt(s.access);
    }

    private static void readSegment(DataInputStream in, Segment s) throws IOException {
        s.selector = in.readInt();
        s.base = in.readInt();
        s.limit = in.readInt();
        s.access = in.readInt();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X86CpuState s && Arrays.equals(toBytes(), s.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(" ");
        String[] names = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        for (int i = 0; i < 8; i++) {
            j.add(String.format("%s=%08x", names[i], gpr[i]));
        }
        j.add(String.format("eip=%08x eflags=%08x", eip, eflags));
        String[] segNames = {"es", "cs", "ss", "ds", "fs", "gs"};
        for (int i = 0; i < 6; i++) {
            j.add(segNames[i] + "={" + seg[i] + "}");
        }
        j.add("ldtr={" + ldtr + "} tr={" + tr + "}");
        j.add(String.format("gdt=%08x/%04x idt=%08x/%04x cr0=%08x cr2=%08x cr3=%08x cr4=%08x",
                gdtBase, gdtLimit, idtBase, idtLimit, cr0, cr2, cr3, cr4));
        j.add(String.format("tsc=%d halted=%s shadow=%d pending=%d", tsc, halted, interruptShadow, pendingVector));
        j.add("fpu={" + fpu + "}");
        return j.toString();
    }
}
