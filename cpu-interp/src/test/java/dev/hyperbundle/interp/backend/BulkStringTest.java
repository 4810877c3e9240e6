package dev.hyperbundle.interp.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.testkit.suite.Asm;
import org.junit.jupiter.api.Test;

/**
 * REP MOVS / REP STOS by page chunks must give exactly the element-by-element result: forward overlap,
 * page ends inside an element, code written by the copy, byte and dword forms, the final registers.
 */
class BulkStringTest {
    private static final int CODE = DirectMachine.CODE;

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            b[k] = (byte) (k * 7 + 3);
        }
        return b;
    }

    private static X86CpuState run(DirectMachine m, Asm a) {
        m.load(CODE, a.hlt().bytes());
        return m.runToHlt(DirectMachine.flat(CODE));
    }

    private static byte[] read(DirectMachine m, int address, int n) {
        byte[] b = new byte[n];
        m.platform.memory().read(address, b, 0, n);
        return b;
    }

    @Test
    void repMovsdAcrossPagesCopiesAndAdvancesRegisters() {
        try (DirectMachine m = new DirectMachine()) {
            byte[] src = pattern(3 * 4096);
            m.load(0x40002, src); // unaligned: elements cross page ends on both sides
            X86CpuState s = run(m, new Asm().mov(Asm.ESI, 0x40002).mov(Asm.EDI, 0x60801).mov(Asm.ECX, 3 * 1024)
                    .b(0xFC, 0xF3, 0xA5)); // cld; rep movsd
            assertEquals(java.util.Arrays.toString(src), java.util.Arrays.toString(read(m, 0x60801, src.length)));
            assertEquals(0x40002 + src.length, s.gpr[Asm.ESI]);
            assertEquals(0x60801 + src.length, s.gpr[Asm.EDI]);
            assertEquals(0, s.gpr[Asm.ECX]);
        }
    }

    @Test
    void forwardOverlapReplicatesTheFirstElementAsTheElementDefinitionSays() {
        try (DirectMachine m = new DirectMachine()) {
            m.load(0x40000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            run(m, new Asm().mov(Asm.ESI, 0x40000).mov(Asm.EDI, 0x40004).mov(Asm.ECX, 100)
                    .b(0xFC, 0xF3, 0xA5)); // each dword copies the one just written
            byte[] out = read(m, 0x40000, 404);
            for (int k = 0; k < 404; k++) {
                assertEquals(k % 4 + 1, out[k], "byte " + k);
            }
        }
    }

    @Test
    void backwardOverlapMovesDown() {
        try (DirectMachine m = new DirectMachine()) {
            byte[] src = pattern(5000);
            m.load(0x40010, src);
            run(m, new Asm().mov(Asm.ESI, 0x40010).mov(Asm.EDI, 0x40000).mov(Asm.ECX, 5000)
                    .b(0xFC, 0xF3, 0xA4)); // rep movsb, destination below the source
            assertEquals(java.util.Arrays.toString(src), java.util.Arrays.toString(read(m, 0x40000, 5000)));
        }
    }

    @Test
    void repStosbAndStosdFill() {
        try (DirectMachine m = new DirectMachine()) {
            X86CpuState s = run(m, new Asm().mov(Asm.EAX, 0x11223344).mov(Asm.EDI, 0x50FFF).mov(Asm.ECX, 4099)
                    .b(0xFC, 0xF3, 0xAA) // rep stosb: 0x44 x 4099
                    .mov(Asm.EDI, 0x52FFE).mov(Asm.ECX, 1025).b(0xF3, 0xAB)); // rep stosd across a page end
            byte[] bytes = read(m, 0x50FFE, 4101);
            assertEquals(0, bytes[0]);
            for (int k = 1; k <= 4099; k++) {
                assertEquals(0x44, bytes[k], "byte " + k);
            }
            assertEquals(0, bytes[4100]);
            byte[] dwords = read(m, 0x52FFE, 4100);
            for (int k = 0; k < 4100; k++) {
                assertEquals(new int[] {0x44, 0x33, 0x22, 0x11}[k % 4], dwords[k] & 0xff, "byte " + k);
            }
            assertEquals(0x52FFE + 4100, s.gpr[Asm.EDI]);
            assertEquals(0, s.gpr[Asm.ECX]);
        }
    }

    @Test
    void copyOverCodeThatAlreadyRanIsExecutedAsNewCode() {
        try (DirectMachine m = new DirectMachine()) {
            m.load(0x30000, new Asm().mov(Asm.EAX, 1).b(0xC3).bytes()); // mov eax, 1; ret
            m.load(0x40000, new Asm().mov(Asm.EAX, 2).b(0xC3).bytes()); // the replacement
            X86CpuState s = run(m, new Asm().mov(Asm.EBX, 0x30000).b(0xFF, 0xD3) // call ebx
                    .b(0x89, 0xC2) // mov edx, eax
                    .mov(Asm.ESI, 0x40000).mov(Asm.EDI, 0x30000).mov(Asm.ECX, 6).b(0xFC, 0xF3, 0xA4) // rep movsb
                    .b(0xFF, 0xD3)); // call ebx again
            assertEquals(1, s.gpr[Asm.EDX]);
            assertEquals(2, s.gpr[Asm.EAX]);
        }
    }

    @Test
    void zeroCountDoesNothing() {
        try (DirectMachine m = new DirectMachine()) {
            X86CpuState s = run(m, new Asm().mov(Asm.ESI, 0x40000).mov(Asm.EDI, 0x41000).mov(Asm.ECX, 0)
                    .mov(Asm.EAX, -1).b(0xFC, 0xF3, 0xA5, 0xF3, 0xAB));
            assertEquals(0x40000, s.gpr[Asm.ESI]);
            assertEquals(0x41000, s.gpr[Asm.EDI]);
            assertEquals(0, read(m, 0x41000, 4)[0]);
        }
    }
}
