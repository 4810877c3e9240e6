package dev.hyperbundle.testkit;

import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A test guest: code, extra data, RAM size and the CPU state to start from. Immutable builder. */
public final class TestGuest {
    public static final int PM_CODE = 0x10000;
    public static final int GDT = 0x1000;
    public static final int RM_CODE = 0x7c00;
    /** Selectors of the kit's GDT. */
    public static final int CODE32 = 0x08, DATA32 = 0x10, CODE16 = 0x18, DATA16 = 0x20;

    record Blob(long address, byte[] bytes) {
    }

    private final long ram;
    private final List<Blob> blobs;
    private final X86CpuState start;

    private TestGuest(long ram, List<Blob> blobs, X86CpuState start) {
        this.ram = ram;
        this.blobs = List.copyOf(blobs);
        this.start = start;
    }

    /** Flat 32-bit protected mode, paging off, code at 0x10000, ESP 0x80000, IDT empty. */
    public static TestGuest protectedMode(byte[] code) {
        X86CpuState s = new X86CpuState();
        int flat = Segment.S | Segment.P | Segment.DB | Segment.G;
        s.seg[X86CpuState.CS].set(new Segment(CODE32, 0, 0xffffffff, 0xb | flat));
        for (int r : new int[] {X86CpuState.ES, X86CpuState.SS, X86CpuState.DS, X86CpuState.FS, X86CpuState.GS}) {
            s.seg[r].set(new Segment(DATA32, 0, 0xffffffff, 0x3 | flat));
        }
        s.ldtr.set(new Segment(0, 0, 0xffff, 0x2 | Segment.P));
        s.tr.set(new Segment(0, 0, 0xffff, 0xb | Segment.P));
        s.gdtBase = GDT;
        s.gdtLimit = 5 * 8 - 1;
        s.cr0 = 0x11;
        s.eip = PM_CODE;
        s.gpr[X86CpuState.ESP] = 0x80000;
        s.dr[6] = 0xffff0ff0;
        s.dr[7] = 0x400;
        List<Blob> blobs = new ArrayList<>();
        blobs.add(new Blob(GDT, gdt()));
        blobs.add(new Blob(PM_CODE, code.clone()));
        return new TestGuest(4 << 20, blobs, s);
    }

    /** Real mode, code at 0000:7C00, SS:SP 0000:7000. The kit's GDT is in memory for mode switches. */
    public static TestGuest realMode(byte[] code) {
        X86CpuState s = new X86CpuState();
        for (int r = 0; r < 6; r++) {
            s.seg[r].set(Segment.realMode(0, 3));
        }
        s.seg[X86CpuState.CS].set(Segment.realMode(0, 0xb));
        s.ldtr.set(new Segment(0, 0, 0xffff, 0x2 | Segment.P));
        s.tr.set(new Segment(0, 0, 0xffff, 0xb | Segment.P));
        s.idtLimit = 0x3ff;
        s.gdtBase = GDT;
        s.gdtLimit = 5 * 8 - 1;
        s.cr0 = 0x10;
        s.eip = RM_CODE;
        s.gpr[X86CpuState.ESP] = 0x7000;
        s.dr[6] = 0xffff0ff0;
        s.dr[7] = 0x400;
        List<Blob> blobs = new ArrayList<>();
        blobs.add(new Blob(GDT, gdt()));
        blobs.add(new Blob(RM_CODE, code.clone()));
        return new TestGuest(4 << 20, blobs, s);
    }

    private static byte[] gdt() {
        long[] d = {0, 0x00cf9b000000ffffL, 0x00cf93000000ffffL, 0x00009b000000ffffL, 0x000093000000ffffL};
        byte[] b = new byte[d.length * 8];
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < 8; j++) {
                b[i * 8 + j] = (byte) (d[i] >>> (8 * j));
            }
        }
        return b;
    }

    public TestGuest ram(long bytes) {
        return new TestGuest(bytes, blobs, start);
    }

    public TestGuest load(long address, byte[] bytes) {
        List<Blob> b = new ArrayList<>(blobs);
        b.add(new Blob(address, bytes.clone()));
        return new TestGuest(ram, b, start);
    }

    public TestGuest state(Consumer<X86CpuState> tweak) {
        X86CpuState s = start.copy();
        tweak.accept(s);
        return new TestGuest(ram, blobs, s);
    }

    long ramBytes() {
        return ram;
    }

    List<Blob> blobs() {
        return blobs;
    }

    X86CpuState startState() {
        return start.copy();
    }
}
