package dev.hyperbundle.hvassist.state;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.cpu.CpuidTable;
import dev.hyperbundle.cpu.FpuState;
import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.hvassist.kvm.KvmLayouts;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The conversions between {@link X86CpuState} and the KVM structs, as pure functions over native memory,
 * with exact byte values at the UAPI offsets (see KvmLayoutsTest for where they come from).
 */
class StateCodecsTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private static final int FLAT_CODE = 0xb | Segment.S | Segment.P | Segment.DB | Segment.G | (3 << Segment.DPL_SHIFT);

    @Test
    void segmentToKvmSegment() {
        MemorySegment m = arena.allocate(KvmLayouts.KVM_SEGMENT);
        SegmentCodec.encode(new Segment(0x1b, 0x80001000, 0xffffffff, FLAT_CODE | Segment.AVL), m, 0);
        assertEquals(0x80001000L, m.get(JAVA_LONG, 0), "base zero-extended");
        assertEquals(0xffffffff, m.get(JAVA_INT, 8));
        assertEquals(0x1b, m.get(JAVA_SHORT, 12));
        byte[] attributes = new byte[10];
        MemorySegment.copy(m, JAVA_BYTE, 14, attributes, 0, 10);
        // type, present, dpl, db, s, l, g, avl, unusable, padding
        assertArrayEquals(new byte[] {0xb, 1, 3, 1, 1, 0, 1, 1, 0, 0}, attributes);
        Segment back = new Segment();
        SegmentCodec.decode(m, 0, back);
        assertEquals(new Segment(0x1b, 0x80001000, 0xffffffff, FLAT_CODE | Segment.AVL), back);
    }

    @Test
    void unusableSegment() {
        MemorySegment m = arena.allocate(KvmLayouts.KVM_SEGMENT);
        SegmentCodec.encode(new Segment(0, 0, 0, Segment.UNUSABLE), m, 0);
        assertEquals(0, m.get(JAVA_BYTE, 15), "present");
        assertEquals(1, m.get(JAVA_BYTE, 22), "unusable");
        Segment back = new Segment();
        SegmentCodec.decode(m, 0, back);
        assertEquals(Segment.UNUSABLE, back.access);
    }

    @Test
    void realModeSegmentFromKvm() {
        // What KVM reports for a real-mode CS after reset: base 0xffff0000, limit 0xffff, type 0xb, s, present.
        MemorySegment m = arena.allocate(KvmLayouts.KVM_SEGMENT);
        m.set(JAVA_LONG, 0, 0xffff0000L);
        m.set(JAVA_INT, 8, 0xffff);
        m.set(JAVA_SHORT, 12, (short) 0xf000);
        m.set(JAVA_BYTE, 14, (byte) 0xb);
        m.set(JAVA_BYTE, 15, (byte) 1);
        m.set(JAVA_BYTE, 18, (byte) 1);
        Segment s = new Segment();
        SegmentCodec.decode(m, 0, s);
        assertEquals(X86CpuState.afterReset(0x663).seg[X86CpuState.CS], s);
    }

    @Test
    void generalRegistersInKvmOrder() {
        X86CpuState s = new X86CpuState();
        for (int i = 0; i < 8; i++) {
            s.gpr[i] = 0xf0000000 | i;
        }
        s.eip = 0xdeadbeef;
        s.eflags = 0x246;
        MemorySegment regs = arena.allocate(KvmLayouts.KVM_REGS);
        regs.fill((byte) 0x55);
        RegsCodec.encode(s, regs);
        // kvm_regs order rax rbx rcx rdx rsi rdi rsp rbp; ours EAX ECX EDX EBX ESP EBP ESI EDI
        long[] expected = {0xf0000000L, 0xf0000003L, 0xf0000001L, 0xf0000002L, 0xf0000006L, 0xf0000007L, 0xf0000004L,
            0xf0000005L, 0, 0, 0, 0, 0, 0, 0, 0, 0xdeadbeefL, 0x246};
        for (int i = 0; i < 18; i++) {
            assertEquals(expected[i], regs.get(JAVA_LONG, 8L * i), "kvm_regs word " + i);
        }
        X86CpuState back = new X86CpuState();
        RegsCodec.decode(regs, back);
        assertArrayEquals(s.gpr, back.gpr);
        assertEquals(s.eip, back.eip);
        assertEquals(s.eflags, back.eflags);
    }

    @Test
    void sregsKeepApicBaseAndClearTheInterruptBitmap() {
        MemorySegment sregs = arena.allocate(KvmLayouts.KVM_SREGS);
        sregs.set(JAVA_LONG, 272, 0xfee00900L); // apic_base as KVM reports it
        sregs.set(JAVA_LONG, 264, 0x500L); // efer
        sregs.set(JAVA_LONG, 280 + 8, 1L); // vector 64 pending in interrupt_bitmap
        assertEquals(64, SregsCodec.pendingInterrupt(sregs));
        X86CpuState s = sample();
        SregsCodec.encode(s, sregs);
        assertEquals(0xfee00900L, sregs.get(JAVA_LONG, 272));
        assertEquals(0, sregs.get(JAVA_LONG, 264), "efer");
        assertEquals(-1, SregsCodec.pendingInterrupt(sregs));
        assertEquals(0x80000011L, sregs.get(JAVA_LONG, 224), "cr0");
        assertEquals(0xc0001234L, sregs.get(JAVA_LONG, 232), "cr2");
        assertEquals(0x00100000L, sregs.get(JAVA_LONG, 240), "cr3");
        assertEquals(0x10L, sregs.get(JAVA_LONG, 248), "cr4");
        assertEquals(0x1000L, sregs.get(JAVA_LONG, 192), "gdt.base");
        assertEquals(0x27, sregs.get(JAVA_SHORT, 200), "gdt.limit");
        assertEquals(0x80002000L, sregs.get(JAVA_LONG, 208), "idt.base");
        assertEquals(0x7ff, sregs.get(JAVA_SHORT, 216), "idt.limit");
        assertEquals(0x08, sregs.get(JAVA_SHORT, 0 + 12), "cs.selector");
        assertEquals(0x23, sregs.get(JAVA_SHORT, 24 + 12), "ds.selector");
        assertEquals(0x2b, sregs.get(JAVA_SHORT, 48 + 12), "es.selector");
        assertEquals(0x10, sregs.get(JAVA_SHORT, 120 + 12), "ss.selector");
        assertEquals(0x28, sregs.get(JAVA_SHORT, 144 + 12), "tr.selector");
        assertEquals(0x30, sregs.get(JAVA_SHORT, 168 + 12), "ldt.selector");
        X86CpuState back = new X86CpuState();
        SregsCodec.decode(sregs, back);
        for (int i = 0; i < 6; i++) {
            assertEquals(s.seg[i], back.seg[i], "segment " + i);
        }
        assertEquals(s.tr, back.tr);
        assertEquals(s.ldtr, back.ldtr);
    }

    @Test
    void fpuStackOrderAndTags() {
        FpuState f = new FpuState();
        f.fsw = 6 << 11; // TOP = 6: ST(0) = R6, ST(1) = R7, ST(2) = R0
        f.mantissa[6] = 0x8000000000000000L;
        f.signExponent[6] = 0x3fff; // 1.0: valid
        f.mantissa[7] = 0;
        f.signExponent[7] = 0x8000; // -0.0: zero
        f.mantissa[0] = 0xc000000000000000L;
        f.signExponent[0] = 0x7fff; // NaN: special
        f.ftw = 0x4ffe; // R0 10, R1-R5 11, R6 00, R7 01
        f.fcw = 0x037f;
        f.fop = 0x1e8;
        f.fip = 0x00401234;
        f.fcs = 0x1b;
        f.fdp = 0x00605678;
        f.fds = 0x23;
        MemorySegment fpu = arena.allocate(KvmLayouts.KVM_FPU);
        fpu.set(JAVA_INT, 408, 0x1f80); // mxcsr stays
        FpuCodec.encode(f, fpu);
        assertEquals(0x8000000000000000L, fpu.get(JAVA_LONG, 0), "fpr[0] = ST(0) = R6");
        assertEquals(0x3fff, fpu.get(JAVA_SHORT, 8));
        assertEquals((short) 0x8000, fpu.get(JAVA_SHORT, 16 + 8), "fpr[1] = R7");
        assertEquals(0xc000000000000000L, fpu.get(JAVA_LONG, 32), "fpr[2] = R0");
        assertEquals(0x037f, fpu.get(JAVA_SHORT, 128));
        assertEquals(0x3000, fpu.get(JAVA_SHORT, 130));
        assertEquals((byte) 0xc1, fpu.get(JAVA_BYTE, 132), "abridged tag: R0, R6, R7 in use");
        assertEquals(0x1e8, fpu.get(JAVA_SHORT, 134));
        assertEquals(0x0000001b00401234L, fpu.get(JAVA_LONG, 136));
        assertEquals(0x0000002300605678L, fpu.get(JAVA_LONG, 144));
        assertEquals(0x1f80, fpu.get(JAVA_INT, 408));
        FpuState back = new FpuState();
        FpuCodec.decode(fpu, back);
        assertEquals(f, back);
        assertEquals(0x4ffe, back.ftw);
    }

    @Test
    void tagsRebuiltLikeFxrstor() {
        assertEquals(0, FpuCodec.tagOf(0x8000000000000000L, 0x3fff));
        assertEquals(1, FpuCodec.tagOf(0, 0));
        assertEquals(2, FpuCodec.tagOf(1, 0), "denormal");
        assertEquals(2, FpuCodec.tagOf(0x4000000000000000L, 0x3fff), "unnormal");
        assertEquals(2, FpuCodec.tagOf(0x8000000000000000L, 0xffff), "-infinity");
        assertEquals(0xffff, FpuCodec.fullTag(0, new long[8], new int[8]));
        assertEquals(0x00, FpuCodec.abridgedTag(0xffff));
        assertEquals(0xff, FpuCodec.abridgedTag(0x0000));
    }

    @Test
    void eventsAndShadowBits() {
        X86CpuState s = new X86CpuState();
        s.pendingVector = 14;
        s.pendingIsException = true;
        s.pendingHasErrorCode = true;
        s.pendingErrorCode = 2;
        s.interruptShadow = X86CpuState.SHADOW_STI;
        s.nmiBlocked = true;
        MemorySegment ev = arena.allocate(KvmLayouts.KVM_VCPU_EVENTS);
        EventsCodec.encode(s, ev);
        assertEquals(1, ev.get(JAVA_BYTE, 0), "exception.injected");
        assertEquals(14, ev.get(JAVA_BYTE, 1));
        assertEquals(1, ev.get(JAVA_BYTE, 2));
        assertEquals(2, ev.get(JAVA_INT, 4));
        assertEquals(0, ev.get(JAVA_BYTE, 8), "interrupt.injected");
        assertEquals(2, ev.get(JAVA_BYTE, 11), "KVM_X86_SHADOW_INT_STI");
        assertEquals(1, ev.get(JAVA_BYTE, 14), "nmi.masked");
        assertEquals(5, ev.get(JAVA_INT, 20), "flags VALID_NMI_PENDING | VALID_SHADOW");
        X86CpuState back = new X86CpuState();
        EventsCodec.decode(ev, back);
        assertEquals(14, back.pendingVector);
        assertTrue(back.pendingIsException && back.pendingHasErrorCode);
        assertEquals(2, back.pendingErrorCode);
        assertEquals(X86CpuState.SHADOW_STI, back.interruptShadow);
        assertTrue(back.nmiBlocked);

        s.pendingIsException = false;
        s.pendingVector = 0x20;
        s.interruptShadow = X86CpuState.SHADOW_MOV_SS;
        s.nmiBlocked = false;
        EventsCodec.encode(s, ev);
        assertEquals(0, ev.get(JAVA_BYTE, 0));
        assertEquals(1, ev.get(JAVA_BYTE, 8), "interrupt.injected");
        assertEquals(0x20, ev.get(JAVA_BYTE, 9));
        assertEquals(1, ev.get(JAVA_BYTE, 11), "KVM_X86_SHADOW_INT_MOV_SS");
        EventsCodec.decode(ev, back);
        assertEquals(0x20, back.pendingVector);
        assertFalse(back.pendingIsException);
        assertEquals(X86CpuState.SHADOW_MOV_SS, back.interruptShadow);

        ev.fill((byte) 0);
        ev.set(JAVA_BYTE, 13, (byte) 1); // nmi.pending
        EventsCodec.decode(ev, back);
        assertEquals(EventsCodec.NMI_VECTOR, back.pendingVector);
    }

    @Test
    void debugRegisters() {
        X86CpuState s = sample();
        MemorySegment d = arena.allocate(KvmLayouts.KVM_DEBUGREGS);
        DebugRegsCodec.encode(s, d);
        assertEquals(0x80001000L, d.get(JAVA_LONG, 0));
        assertEquals(0x2000L, d.get(JAVA_LONG, 24));
        assertEquals(0xffff0ff0L, d.get(JAVA_LONG, 32));
        assertEquals(0x401L, d.get(JAVA_LONG, 40));
        X86CpuState back = new X86CpuState();
        DebugRegsCodec.decode(d, back);
        assertArrayEquals(s.dr, back.dr);
    }

    @Test
    void msrs() {
        X86CpuState s = sample();
        MemorySegment m = arena.allocate(MsrCodec.BYTES, 8);
        MsrCodec.encode(s, m);
        assertEquals(72, MsrCodec.BYTES);
        assertEquals(4, m.get(JAVA_INT, 0));
        assertEquals(0x10, m.get(JAVA_INT, 8));
        assertEquals(0x123456789abcdefL, m.get(JAVA_LONG, 16));
        assertEquals(0x174, m.get(JAVA_INT, 24));
        assertEquals(0x8L, m.get(JAVA_LONG, 32));
        assertEquals(0x175, m.get(JAVA_INT, 40));
        assertEquals(0xc0008000L, m.get(JAVA_LONG, 48));
        assertEquals(0x176, m.get(JAVA_INT, 56));
        assertEquals(0xc0100000L, m.get(JAVA_LONG, 64));
        X86CpuState back = new X86CpuState();
        MsrCodec.decode(m, back);
        assertEquals(s.tsc, back.tsc);
        assertEquals(s.sysenterCs, back.sysenterCs);
        assertEquals(s.sysenterEsp, back.sysenterEsp);
        assertEquals(s.sysenterEip, back.sysenterEip);
    }

    @Test
    void cpuidTableAsKvmCpuid2() {
        CpuidTable t = CpuidTable.i686();
        t.set(4, 0, 0x11, 0, 0, 0);
        t.set(4, 1, 0x22, 0, 0, 0);
        List<int[]> entries = t.entries();
        MemorySegment m = arena.allocate(CpuidCodec.bytes(entries.size()), 8);
        CpuidCodec.encode(entries, m);
        assertEquals(entries.size(), m.get(JAVA_INT, 0));
        for (int i = 0; i < entries.size(); i++) {
            int[] e = entries.get(i);
            long at = 8 + 40L * i;
            assertEquals(e[0], m.get(JAVA_INT, at));
            assertEquals(e[1], m.get(JAVA_INT, at + 4));
            assertEquals(e[0] == 4 ? 1 : 0, m.get(JAVA_INT, at + 8), "flags of leaf " + Integer.toHexString(e[0]));
            for (int r = 0; r < 4; r++) {
                assertEquals(e[2 + r], m.get(JAVA_INT, at + 12 + 4L * r));
            }
        }
        int leaf0 = 0;
        while (entries.get(leaf0)[0] != 0) {
            leaf0++;
        }
        assertEquals(0x756e6547, m.get(JAVA_INT, 8 + 40L * leaf0 + 16), "leaf 0 EBX 'Genu'");
    }

    /** Everything the KVM structs carry, through all codecs and back. */
    @Test
    void fullRoundTrip() {
        X86CpuState s = sample();
        MemorySegment regs = arena.allocate(KvmLayouts.KVM_REGS);
        MemorySegment sregs = arena.allocate(KvmLayouts.KVM_SREGS);
        MemorySegment fpu = arena.allocate(KvmLayouts.KVM_FPU);
        MemorySegment dbg = arena.allocate(KvmLayouts.KVM_DEBUGREGS);
        MemorySegment msrs = arena.allocate(MsrCodec.BYTES, 8);
        MemorySegment ev = arena.allocate(KvmLayouts.KVM_VCPU_EVENTS);
        RegsCodec.encode(s, regs);
        SregsCodec.encode(s, sregs);
        FpuCodec.encode(s.fpu, fpu);
        DebugRegsCodec.encode(s, dbg);
        MsrCodec.encode(s, msrs);
        EventsCodec.encode(s, ev);
        X86CpuState back = new X86CpuState();
        RegsCodec.decode(regs, back);
        SregsCodec.decode(sregs, back);
        FpuCodec.decode(fpu, back.fpu);
        DebugRegsCodec.decode(dbg, back);
        MsrCodec.decode(msrs, back);
        EventsCodec.decode(ev, back);
        back.halted = s.halted; // kept by the vCPU, not in a KVM struct
        assertEquals(s, back, () -> "\n" + s + "\n" + back);
    }

    static X86CpuState sample() {
        X86CpuState s = new X86CpuState();
        for (int i = 0; i < 8; i++) {
            s.gpr[i] = 0x11111111 * (i + 1);
        }
        s.eip = 0xc0101234;
        s.eflags = 0x202;
        s.seg[X86CpuState.CS].set(new Segment(0x08, 0, 0xffffffff, 0xb | Segment.S | Segment.P | Segment.DB | Segment.G));
        s.seg[X86CpuState.SS].set(new Segment(0x10, 0, 0xffffffff, 0x3 | Segment.S | Segment.P | Segment.DB | Segment.G));
        s.seg[X86CpuState.DS].set(new Segment(0x23, 0, 0xffffffff, 0x3 | Segment.S | Segment.P | Segment.DB | Segment.G
                | (3 << Segment.DPL_SHIFT)));
        s.seg[X86CpuState.ES].set(new Segment(0x2b, 0x400000, 0xfffff, 0x3 | Segment.S | Segment.P | Segment.DB
                | (3 << Segment.DPL_SHIFT)));
        s.seg[X86CpuState.FS].set(new Segment(0, 0, 0, Segment.UNUSABLE));
        s.seg[X86CpuState.GS].set(new Segment(0x33, 0xc1234000, 0xfff, 0x1 | Segment.S | Segment.P | Segment.AVL));
        s.tr.set(new Segment(0x28, 0xc0500000, 0x67, 0xb | Segment.P));
        s.ldtr.set(new Segment(0x30, 0xc0600000, 0x1f, 0x2 | Segment.P));
        s.gdtBase = 0x1000;
        s.gdtLimit = 0x27;
        s.idtBase = 0x80002000;
        s.idtLimit = 0x7ff;
        s.cr0 = 0x80000011;
        s.cr2 = 0xc0001234;
        s.cr3 = 0x100000;
        s.cr4 = 0x10;
        s.dr[0] = 0x80001000;
        s.dr[3] = 0x2000;
        s.dr[6] = 0xffff0ff0;
        s.dr[7] = 0x401;
        s.tsc = 0x123456789abcdefL;
        s.sysenterCs = 8;
        s.sysenterEsp = 0xc0008000;
        s.sysenterEip = 0xc0100000;
        s.fpu.fsw = 7 << 11;
        s.fpu.mantissa[7] = 0xa000000000000000L;
        s.fpu.signExponent[7] = 0x4000;
        s.fpu.ftw = 0x3fff; // R7 valid, the rest empty
        s.fpu.fop = 0x5d9;
        s.fpu.fip = 0xc0100010;
        s.fpu.fcs = 0x08;
        s.fpu.fdp = 0xc0200000;
        s.fpu.fds = 0x10;
        s.pendingVector = 13;
        s.pendingIsException = true;
        s.pendingHasErrorCode = true;
        s.pendingErrorCode = 0x18;
        s.interruptShadow = X86CpuState.SHADOW_MOV_SS;
        s.nmiBlocked = true;
        s.halted = true;
        return s;
    }
}
