package dev.hyperbundle.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CpuStateAndModelTest {
    @Test
    void stateSurvivesItsBinaryForm() {
        X86CpuState s = X86CpuState.afterReset(0x663);
        s.gpr[X86CpuState.EBX] = 0xdeadbeef;
        s.seg[X86CpuState.FS].set(new Segment(0x33, 0x12340000, 0xfff, 0x93));
        s.fpu.mantissa[5] = 0x8000000000000001L;
        s.fpu.signExponent[5] = 0xbfff;
        s.tsc = 123456789012L;
        s.halted = true;
        s.pendingVector = 14;
        s.pendingIsException = true;
        s.pendingHasErrorCode = true;
        s.pendingErrorCode = 6;
        X86CpuState back = X86CpuState.fromBytes(s.toBytes());
        assertEquals(s, back);
        assertArrayEquals(s.toBytes(), back.toBytes());
        back.gpr[0]++;
        assertNotEquals(s, back);
    }

    @Test
    void resetStateIsTheArchitecturalOne() {
        X86CpuState s = X86CpuState.afterReset(0x663);
        assertEquals(0xfff0, s.eip);
        assertEquals(0xffff0000, s.seg[X86CpuState.CS].base);
        assertEquals(0xf000, s.seg[X86CpuState.CS].selector);
        assertEquals(0x60000010, s.cr0);
        assertEquals(0x663, s.gpr[X86CpuState.EDX]);
        assertEquals(2, s.eflags);
    }

    @Test
    void corruptStateIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> X86CpuState.fromBytes(new byte[] {0, 0, 0, 9}));
        assertThrows(IllegalArgumentException.class, () -> X86CpuState.fromBytes(new byte[] {0, 0, 0, 1, 0}));
    }

    @Test
    void cpuidPresentsAnI686WithoutMmxOrSse() {
        CpuidTable t = CpuidTable.i686();
        int[] v = t.query(0, 0);
        assertEquals(0x16, v[0]);
        assertEquals("GenuineIntel", ascii(v[1]) + ascii(v[3]) + ascii(v[2]));
        int edx = t.query(1, 0)[3];
        assertEquals(0x663, t.signature());
        assertEquals(0, edx & (1 << 23), "no MMX");
        assertEquals(0, edx & (1 << 25), "no SSE");
        assertEquals(0, edx & CpuidTable.EDX_APIC, "no APIC");
        assertEquals(CpuidTable.EDX_FPU | CpuidTable.EDX_DE | CpuidTable.EDX_PSE | CpuidTable.EDX_TSC | CpuidTable.EDX_MSR
                | CpuidTable.EDX_CX8 | CpuidTable.EDX_SEP | CpuidTable.EDX_PGE | CpuidTable.EDX_CMOV | CpuidTable.EDX_FXSR, edx);
        StringBuilder brand = new StringBuilder();
        for (int leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
            for (int r : t.query(leaf, 0)) {
                brand.append(ascii(r));
            }
        }
        assertEquals("Hyperbundle Virtual CPU i686", brand.toString().trim());
    }

    @Test
    void tscFrequencyIsReportedAsKnown() {
        CpuidTable t = CpuidTable.i686();
        assertArrayEquals(new int[] {1, 1, 1_000_000_000, 0}, t.query(0x15, 0), "crystal 1 GHz, ratio 1/1");
        assertArrayEquals(new int[] {1000, 1000, 0, 0}, t.query(0x16, 0), "base and maximum MHz");
    }

    @Test
    void leavesBeyondTheMaximumReturnTheHighestBasicLeaf() {
        CpuidTable t = CpuidTable.i686();
        assertArrayEquals(new int[4], t.query(2, 0), "reserved leaves below the maximum read as zero");
        assertArrayEquals(new int[4], t.query(7, 0));
        assertArrayEquals(t.query(0x16, 0), t.query(0x17, 0));
        assertArrayEquals(t.query(0x16, 0), t.query(0x40000000, 0));
        assertArrayEquals(t.query(0x16, 0), t.query(0x80000008, 0));
        assertArrayEquals(new int[4], t.query(0x80000001, 0));
        t.set(0x40000000, 0, 0x40000001, 0x4b4d564b, 0x564b4d56, 0x4d);
        assertEquals(0x40000001, t.query(0x40000000, 0)[0]);
        t.setBits(1, 2, CpuidTable.ECX_HYPERVISOR);
        assertEquals(CpuidTable.ECX_HYPERVISOR, t.query(1, 0)[2]);
    }

    private static String ascii(int r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            char c = (char) ((r >>> (8 * i)) & 0xff);
            if (c != 0) {
                b.append(c);
            }
        }
        return b.toString();
    }
}
