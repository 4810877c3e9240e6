package dev.hyperbundle.interp.x87;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Compares, condition codes, EFLAGS, stack faults, unmasked exceptions, FXAM, FCMOV, decoding. */
class X87ControlTest {
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

    @Test
    void fcomConditionCodes() {
        Fpu f = new Fpu();
        f.fld64(1.0).fld64(2.0);
        f.reg(0xD8, 0xD1); // FCOM ST1: 2 > 1
        assertEquals(0, f.status() & X87.CC);
        f.op64(2, 2.0); // FCOM m64 equal
        assertEquals(X87.C3, f.status() & X87.CC);
        f.op64(2, 3.0);
        assertEquals(X87.C0, f.status() & X87.CC);
        f.op64(3, Double.NaN); // FCOMP m64 with a QNaN: invalid, unordered, popped
        assertEquals(X87.C3 | X87.C2 | X87.C0, f.status() & X87.CC);
        assertEquals(Arith.IE, f.status() & 0x3F);
        assertEquals("3fff:8000000000000000", f.st(0));
    }

    @Test
    void fucomQuietOnQNaNButNotOnSNaN() {
        Fpu f = new Fpu();
        f.fld64(Double.NaN).fld64(1.0);
        f.reg(0xDD, 0xE1); // FUCOM ST1
        assertEquals(X87.C3 | X87.C2 | X87.C0, f.status() & X87.CC);
        assertEquals(0, f.status() & 0x3F);
        f.fld80(0x7FFF, 0x8000000000000001L).reg(0xD9, 0xC9); // SNaN to ST1
        f.reg(0xDD, 0xE1);
        assertEquals(Arith.IE, f.status() & 0x3F);
    }

    @Test
    void fcompp() {
        Fpu f = new Fpu();
        f.fld64(5.0).fld64(-0.0).fld64(0.0);
        f.reg(0xDE, 0xD9); // FCOMPP: +0 vs -0 equal
        assertEquals(X87.C3, f.status() & X87.CC);
        assertEquals("4001:a000000000000000", f.st(0));
    }

    @Test
    void fcomiWritesEflags() {
        Fpu f = new Fpu();
        f.bus.eflags = 0x2 | CF | PF | AF | ZF | SF | OF;
        f.fld64(1.0).fld64(2.0);
        f.reg(0xDB, 0xF1); // FCOMI ST0, ST1: greater
        assertEquals(0x2, f.bus.eflags);
        f.reg(0xD9, 0xC9); // FXCH
        f.reg(0xDB, 0xF1); // less
        assertEquals(0x2 | CF, f.bus.eflags);
        f.reg(0xDB, 0xF0); // equal to itself
        assertEquals(0x2 | ZF, f.bus.eflags);
        f.fld64(Double.NaN).reg(0xDB, 0xE9); // FUCOMI: unordered, no IE
        assertEquals(0x2 | ZF | PF | CF, f.bus.eflags);
        assertEquals(0, f.status() & 0x3F);
        f.reg(0xDF, 0xF1); // FCOMIP: IE, popped
        assertEquals(Arith.IE, f.status() & 0x3F);
        assertEquals("3fff:8000000000000000", f.st(0));
        assertEquals(0, f.status() & X87.CC, "FCOMI leaves C0/C2/C3 alone and clears C1");
    }

    @Test
    void fcmov() {
        Fpu f = new Fpu();
        f.fld64(7.0).fld64(1.0);
        f.bus.eflags = 0x2;
        f.reg(0xDA, 0xC1); // FCMOVB: CF=0, no move
        assertEquals("3fff:8000000000000000", f.st(0));
        f.reg(0xDB, 0xC1); // FCMOVNB: moves
        assertEquals("4001:e000000000000000", f.st(0));
        f.fld64(3.0);
        f.bus.eflags = 0x2 | PF;
        f.reg(0xDA, 0xD9); // FCMOVU ST0, ST1
        assertEquals("4001:e000000000000000", f.st(0));
    }

    @Test
    void ftstAndFxam() {
        Fpu f = new Fpu();
        f.fld64(-3.0).reg(0xD9, 0xE4);
        assertEquals(X87.C0, f.status() & X87.CC);
        f.reg(0xD9, 0xE5);
        assertEquals(X87.C2 | X87.C1, f.status() & X87.CC, "normal, negative");
        String[] cases = {"7fff:8000000000000000", "0000:0000000000000000", "0000:0000000000000001",
            "7fff:c000000000000000", "4000:4000000000000000"};
        int[] want = {X87.C2 | X87.C0, X87.C3, X87.C3 | X87.C2, X87.C0, 0};
        for (int i = 0; i < cases.length; i++) {
            Fpu g = new Fpu();
            g.fld80(Integer.parseInt(cases[i].substring(0, 4), 16), Long.parseUnsignedLong(cases[i].substring(5), 16));
            g.reg(0xD9, 0xE5);
            assertEquals(want[i], g.status() & X87.CC, cases[i]);
        }
        Fpu g = new Fpu();
        g.reg(0xD9, 0xE5);
        assertEquals(X87.C3 | X87.C0, g.status() & X87.CC, "empty");
    }

    @Test
    void stackOverflowMasked() {
        Fpu f = new Fpu();
        for (int i = 0; i < 8; i++) {
            f.reg(0xD9, 0xE8);
        }
        assertEquals(0, f.status());
        f.reg(0xD9, 0xE8);
        assertEquals(0x3800 | X87.C1 | X87.SF | Arith.IE, f.status());
        assertEquals("ffff:c000000000000000", f.st(0));
        assertFalse(f.x.errorPending());
    }

    @Test
    void stackUnderflowMaskedAndUnmasked() {
        Fpu f = new Fpu();
        f.reg(0xD8, 0xC1); // FADD ST0, ST1 on an empty stack
        assertEquals(X87.SF | Arith.IE, f.status());
        assertEquals("ffff:c000000000000000", f.st(0));
        assertEquals(0xFFFE, f.tag(), "R0 now holds the indefinite (special)");

        Fpu g = new Fpu();
        g.fldcw(0x037E);
        g.reg(0xD8, 0xC1);
        assertEquals(X87.B | X87.ES | X87.SF | Arith.IE, g.status());
        assertEquals(0xFFFF, g.tag(), "nothing written");
        assertTrue(g.x.errorPending());
        assertTrue(g.x.mustRaiseBefore(0xD8, 0xC1));
        assertTrue(g.x.mustRaiseBefore(0xD9, 0x28), "FLDCW waits");
        assertTrue(g.x.mustRaiseBefore(0xDD, 0x20), "FRSTOR waits");
        assertFalse(g.x.mustRaiseBefore(0xDB, 0xE3), "FNINIT");
        assertFalse(g.x.mustRaiseBefore(0xDB, 0xE2), "FNCLEX");
        assertFalse(g.x.mustRaiseBefore(0xDF, 0xE0), "FNSTSW AX");
        assertFalse(g.x.mustRaiseBefore(0xDD, 0x3D), "FNSTSW m16");
        assertFalse(g.x.mustRaiseBefore(0xD9, 0x3D), "FNSTCW");
        assertFalse(g.x.mustRaiseBefore(0xD9, 0x35), "FNSTENV");
        assertFalse(g.x.mustRaiseBefore(0xDD, 0x35), "FNSAVE");
        g.reg(0xDB, 0xE2); // FNCLEX
        assertFalse(g.x.errorPending());
        assertEquals(0, g.status());
    }

    @Test
    void tagWordFollowsContents() {
        Fpu f = new Fpu();
        f.reg(0xD9, 0xE8).reg(0xD9, 0xEE).fld80(0x0000, 1L); // R7 valid, R6 zero, R5 special
        assertEquals((0x1 << 12) | (0x2 << 10) | 0x3FF, f.tag());
        f.reg(0xDD, 0xC1); // FFREE ST1
        assertEquals((0x3 << 12) | (0x2 << 10) | 0x3FF, f.tag());
        f.reg(0xD9, 0xF7); // FINCSTP
        assertEquals(0x3000, f.status() & 0x3800);
    }

    @Test
    void unmaskedInvalidLeavesDestination() {
        Fpu f = new Fpu();
        f.fldcw(0x037E);
        f.fld64(-1.0).reg(0xD9, 0xFA); // FSQRT(-1)
        assertEquals("bfff:8000000000000000", f.st(0));
        assertTrue(f.x.errorPending());
        f.x.execute(f.bus, 0xDF, 0xE0, 0, true, false, 0, 0, 0); // FNSTSW AX is allowed
        assertEquals(X87.B | X87.ES | Arith.IE | 0x3800, f.bus.ax);
    }

    @Test
    void unmaskedSignalingNanLoadDoesNotPush() {
        Fpu f = new Fpu();
        f.fldcw(0x037E);
        f.fld64(0x7FF0000000000001L);
        assertEquals(0xFFFF, f.tag());
        assertTrue(f.x.errorPending());
    }

    @Test
    void fldcwRecomputesSummary() {
        Fpu f = new Fpu();
        f.fld64(1.0).op64(6, 3.0); // PE set, masked
        assertFalse(f.x.errorPending());
        f.fldcw(0x035F); // unmask PE: the pending flag now makes ES
        assertTrue(f.x.errorPending());
        f.fldcw(0x037F);
        assertFalse(f.x.errorPending());
        assertEquals(0x037F, readCw(f));
        f.fldcw(0xFFFF);
        assertEquals(0x1F7F, readCw(f), "reserved bits");
    }

    private static int readCw(Fpu f) {
        f.mem(0xD9, 7, 0x300);
        return f.bus.read16(0x300);
    }

    @Test
    void invalidEncodings() {
        X87 x = new X87();
        FakeBus b = new FakeBus();
        int[][] bad = {{0xD9, 0xD1}, {0xD9, 0xE2}, {0xD9, 0xE7}, {0xD9, 0xEF}, {0xDA, 0xE8}, {0xDA, 0xF0},
            {0xDB, 0xE5}, {0xDB, 0xF8}, {0xDD, 0xF0}, {0xDE, 0xD8}, {0xDE, 0xDA}, {0xDF, 0xE1}, {0xDF, 0xF8},
            {0xD9, 0x08}, {0xDB, 0x08}, {0xDB, 0x20}, {0xDB, 0x30}, {0xDD, 0x08}, {0xDD, 0x28}, {0xDF, 0x08}};
        for (int[] e : bad) {
            assertFalse(x.execute(b, e[0], e[1], 0x10, true, false, 0, 0, 0),
                    String.format("%02x %02x", e[0], e[1]));
        }
        assertFalse(x.errorPending());
    }

    @Test
    void instructionPointersTrackNonControlInstructions() {
        Fpu f = new Fpu();
        f.x.execute(f.bus, 0xDD, 0x05, 0x100, true, false, 0x23, 0x4444, 0x2B); // FLD m64
        f.x.execute(f.bus, 0xD9, 0x3D, 0x300, true, false, 0x23, 0x5555, 0x2B); // FNSTCW: control
        dev.hyperbundle.cpu.FpuState s = new dev.hyperbundle.cpu.FpuState();
        f.x.save(s);
        assertEquals(0x4444, s.fip);
        assertEquals(0x23, s.fcs);
        assertEquals(0x505, s.fop);
        assertEquals(0x100, s.fdp);
        assertEquals(0x2B, s.fds);
    }
}
