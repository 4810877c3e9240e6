package dev.hyperbundle.interp.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.cpu.FpuState;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** FNSTENV/FLDENV, FNSAVE/FRSTOR and FXSAVE/FXRSTOR images byte by byte, and the FpuState round trip. */
class X87ImageTest {
    /** FLD1; FLDZ from register forms at CS 0x23, EIP 0x1000: R7 = 1.0, R6 = +0, TOP = 6. */
    private static Fpu oneAndZero() {
        Fpu f = new Fpu();
        f.reg(0xD9, 0xE8).reg(0xD9, 0xEE);
        return f;
    }

    private static FpuState state(Fpu f) {
        FpuState s = new FpuState();
        f.x.save(s);
        return s;
    }

    @Test
    void fnsave32BitProtectedImage() {
        Fpu f = oneAndZero();
        FpuState before = state(f);
        assertTrue(f.x.execute(f.bus, 0xDD, 0x35, 0x200, true, false, 0x23, 0x2000, 0x2B)); // FNSAVE
        String env = "7f03ffff" + "0030ffff" + "ff1fffff" + "00100000" + "2300ee01" + "00000000" + "0000ffff";
        String regs = "00000000000000000000" + "0000000000000080ff3f" + "00".repeat(60);
        assertEquals(env + regs, f.bus.hex(0x200, 108));
        FpuState after = state(f);
        FpuState init = new FpuState();
        init.set(before);
        init.init();
        assertEquals(init, after, "FNSAVE reinitializes; registers keep their bits");

        assertTrue(f.x.execute(f.bus, 0xDD, 0x25, 0x200, true, false, 0x23, 0x3000, 0x2B)); // FRSTOR
        assertEquals(before, state(f));
    }

    @Test
    void fnsave16BitProtectedImage() {
        Fpu f = oneAndZero();
        FpuState before = state(f);
        assertTrue(f.x.execute(f.bus, 0xDD, 0x35, 0x200, false, false, 0x23, 0x2000, 0x2B));
        String env = "7f03" + "0030" + "ff1f" + "0010" + "2300" + "0000" + "0000";
        assertEquals(env + "00".repeat(10) + "0000000000000080ff3f", f.bus.hex(0x200, 34));
        f.x.execute(f.bus, 0xDD, 0x25, 0x200, false, false, 0x23, 0x3000, 0x2B);
        FpuState back = state(f);
        before.fop = 0; // the 16-bit protected image has no FOP field; FNSAVE cleared it
        assertEquals(before, back);
    }

    @Test
    void fnstenv16BitRealModeImage() {
        Fpu f = new Fpu();
        f.bus.write64(0x100, Double.doubleToRawLongBits(1.0));
        f.x.execute(f.bus, 0xDD, 0x05, 0x100, false, true, 0x1234, 0x0010, 0x0000); // FLD m64 in real mode
        f.x.execute(f.bus, 0xD9, 0x35, 0x200, false, true, 0x1234, 0x0014, 0x0000); // FNSTENV
        // FIP = 1234:0010 -> linear 0x12350; FOP 0x505; FDP linear 0x00100
        assertEquals("7f03" + "0038" + "ff3f" + "5023" + "0515" + "0001" + "0000", f.bus.hex(0x200, 14));
        Fpu g = new Fpu();
        System.arraycopy(f.bus.mem, 0x200, g.bus.mem, 0x200, 14);
        g.x.execute(g.bus, 0xD9, 0x25, 0x200, false, true, 0, 0, 0); // FLDENV
        FpuState s = state(g);
        assertEquals(0x12350, s.fip);
        assertEquals(0x505, s.fop);
        assertEquals(0x100, s.fdp);
        assertEquals(0x3800, s.fsw);
        assertEquals(0x7FFF, s.ftw, "R7 not empty; its tag (zero) comes from its contents");
    }

    @Test
    void fnstenv32BitRealModeImageAndMasking() {
        Fpu f = new Fpu();
        f.bus.write64(0x100, Double.doubleToRawLongBits(1.0));
        f.x.execute(f.bus, 0xDD, 0x05, 0x100, true, true, 0xF000, 0xFFF0, 0);
        f.fldcw(0x0360);
        f.x.execute(f.bus, 0xD9, 0x35, 0x200, true, true, 0xF000, 0xFFF4, 0);
        // linear FIP 0xFFFF0 -> low 16 = FFF0, bits 31:16 = 000F at bits 27:12
        assertEquals("6003ffff" + "0038ffff" + "ff3fffff" + "f0ffffff" + "05f50000" + "0001ffff" + "00000000",
                f.bus.hex(0x200, 28));
        f.mem(0xD9, 7, 0x300);
        assertEquals(0x037F, f.bus.read16(0x300), "FNSTENV masks all exceptions");
    }

    @Test
    void fxsaveImage() {
        Fpu f = oneAndZero();
        Arrays.fill(f.bus.mem, 0x400, 0x600, (byte) 0xAA);
        FpuState before = state(f);
        f.x.fxsave(f.bus, 0x400);
        String head = "7f03" + "0030" + "c0" + "00" + "ee01" + "00100000" + "23000000" + "00000000" + "00000000"
                + "801f0000" + "00000000";
        String st = "00".repeat(16) + "0000000000000080ff3f" + "00".repeat(6) + "00".repeat(16 * 6);
        assertEquals(head + st + "00".repeat(128) + "aa".repeat(224), f.bus.hex(0x400, 512));
        Fpu g = new Fpu();
        System.arraycopy(f.bus.mem, 0x400, g.bus.mem, 0x400, 512);
        g.x.fxrstor(g.bus, 0x400);
        FpuState back = state(g);
        assertEquals(before, back);
    }

    @Test
    void fpuStateRoundTrip() {
        FpuState s = new FpuState();
        for (int p = 0; p < 8; p++) {
            s.mantissa[p] = 0x8000000000000000L | (0x1111111111111111L * p);
            s.signExponent[p] = 0x3FFF + p;
        }
        s.signExponent[2] = 0;
        s.mantissa[2] = 0;
        s.fcw = 0x0B7F;
        s.fsw = 0x2000 | Arith.PE | X87.C1;
        s.ftw = 0b00_11_11_11_11_01_00_00; // R0, R1, R7 valid, R2 zero, R3-R6 empty
        s.fop = 0x1EE;
        s.fip = 0x08048000;
        s.fcs = 0x73;
        s.fdp = 0x0804A000;
        s.fds = 0x7B;
        X87 x = new X87();
        x.load(s);
        FpuState back = new FpuState();
        x.save(back);
        assertEquals(s, back);
        // and it computes: ST0 is R4 (TOP = 4), which is empty
        Fpu f = new Fpu();
        f.x.load(s);
        f.reg(0xD9, 0xE5);
        assertEquals(X87.C3 | X87.C0, f.status() & X87.CC);
    }

    @Test
    void frstorReadsEverythingBeforeChangingState() {
        Fpu f = oneAndZero();
        f.x.execute(f.bus, 0xDD, 0x35, 0x200, true, false, 0x23, 0x2000, 0x2B);
        FpuState init = state(f);
        f.bus.faultFrom = 0x200 + 100;
        try {
            f.x.execute(f.bus, 0xDD, 0x25, 0x200, true, false, 0x23, 0x3000, 0x2B);
        } catch (FakeBus.Fault expected) {
            // the core restarts the instruction
        }
        assertEquals(init, state(f));
    }
}
