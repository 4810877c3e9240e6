package dev.hyperbundle.testkit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Paging, exceptions through the IDT, interrupts, HLT and save/restore, for any backend. */
public abstract class ProtectedModeSuite extends BackendSuite {
    static final int IDT = 0x2000, HANDLER = 0x11000, PD = 0x40000, PT = 0x41000, DATA = 0x30000;

    static byte[] idt(int vector, int handler) {
        ByteBuffer b = ByteBuffer.allocate(256 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(vector * 8, 0x08 << 16 | (handler & 0xffff));
        b.putInt(vector * 8 + 4, (handler & 0xffff0000) | 0x8E00); // present, DPL 0, 32-bit interrupt gate
        return b.array();
    }

    /** Identity map of the first 4 MiB with 4 KiB pages, except one page left not present. */
    static byte[] pageTable(int missingPage) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) {
            b.putInt(i * 4, i == missingPage ? 0 : i << 12 | 3);
        }
        return b.array();
    }

    static Asm enablePaging(Asm a) {
        return a.mov(Asm.EAX, PD).b(0x0F, 0x22, 0xD8) // mov cr3, eax
                .b(0x0F, 0x20, 0xC0, 0x0D).d(0x80000000).b(0x0F, 0x22, 0xC0); // mov eax,cr0; or eax,PG; mov cr0,eax
    }

    @Test
    void pageFaultInRepMovsResumesAfterHandlerMapsPage() {
        Asm handler = new Asm().b(0x58) // pop eax (error code)
                .b(0xA3).d(DATA) // mov [DATA], eax
                .b(0x0F, 0x20, 0xD0).b(0xA3).d(DATA + 4) // mov eax, cr2; mov [DATA+4], eax
                .b(0xC7, 0x05).d(PT + 0x21 * 4).d(0x21003) // map page 0x21
                .b(0xFF, 0x05).d(DATA + 8) // inc dword [DATA+8]
                .b(0xCF); // iret
        Asm main = enablePaging(new Asm()).mov(Asm.ESI, 0x20000).mov(Asm.EDI, 0x20FFC).mov(Asm.ECX, 8)
                .b(0xFC, 0xF3, 0xA4).hlt();
        TestGuest g = TestGuest.protectedMode(main.bytes()).load(HANDLER, handler.bytes()).load(IDT, idt(14, HANDLER))
                .load(PD, pdeFor(PT)).load(PT, pageTable(0x21))
                .load(0x20000, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .state(s -> {
                    s.idtBase = IDT;
                    s.idtLimit = 0x7ff;
                });
        TestRun r = runPaged(g);
        assertEquals(TestExit.HALTED, r.exit(), r.toString());
        assertEquals(2, r.read32(DATA), "error code: write to a not-present page at CPL 0");
        assertEquals(0x21000, r.read32(DATA + 4), "CR2");
        assertEquals(1, r.read32(DATA + 8), "exactly one fault");
        assertEquals(0x04030201, r.read32(0x20FFC));
        assertEquals(0x08070605, r.read32(0x21000));
        assertEquals(0, r.state().gpr[Asm.ECX]);
        assertEquals(0x20008, r.state().gpr[Asm.ESI]);
    }

    static byte[] pdeFor(int pt) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(pt | 3).array();
    }

    @Test
    void divideErrorPushesFaultingEip() {
        Asm handler = new Asm().b(0x8B, 0x04, 0x24).b(0xA3).d(DATA) // mov eax,[esp]; mov [DATA],eax
                .hlt();
        Asm main = new Asm().b(0x31, 0xC9).b(0xF7, 0xF1).hlt(); // xor ecx,ecx; div ecx (at 0x10002)
        TestGuest g = TestGuest.protectedMode(main.bytes()).load(HANDLER, handler.bytes()).load(IDT, idt(0, HANDLER))
                .state(s -> {
                    s.idtBase = IDT;
                    s.idtLimit = 0x7ff;
                });
        TestRun r = run(g);
        assertEquals(TestExit.HALTED, r.exit(), r.toString());
        assertEquals(0x10002, r.read32(DATA));
    }

    @Test
    void undefinedOpcodeRaisesUd() {
        Asm handler = new Asm().b(0x8B, 0x04, 0x24).b(0xA3).d(DATA).hlt();
        Asm main = new Asm().b(0x90, 0x0F, 0x0B).hlt(); // nop; ud2
        TestGuest g = TestGuest.protectedMode(main.bytes()).load(HANDLER, handler.bytes()).load(IDT, idt(6, HANDLER))
                .state(s -> {
                    s.idtBase = IDT;
                    s.idtLimit = 0x7ff;
                });
        TestRun r = run(g);
        assertEquals(TestExit.HALTED, r.exit(), r.toString());
        assertEquals(0x10001, r.read32(DATA));
    }

    @Test
    void externalInterruptWakesHlt() {
        Asm handler = new Asm().b(0xFF, 0x05).d(DATA).b(0xCF); // inc dword [DATA]; iret
        Asm main = new Asm().b(0xB0, 0x40, 0xE6, 0xF0) // mov al,0x40; out 0xF0,al (vector)
                .b(0xB0, 200, 0xE6, 0xF8) // INTR after 200 us of guest time
                .b(0xFB, 0xF4) // sti; hlt
                .b(0xFA).b(0xA1).d(DATA).b(0xE7, 0xF4); // cli; mov eax,[DATA]; out 0xF4,eax
        TestGuest g = TestGuest.protectedMode(main.bytes()).load(HANDLER, handler.bytes()).load(IDT, idt(0x40, HANDLER))
                .state(s -> {
                    s.idtBase = IDT;
                    s.idtLimit = 0x7ff;
                });
        TestRun r = run(g);
        assertEquals(TestExit.DONE, r.exit(), r.toString());
        assertEquals(1, r.exitCode(), r.toString());
    }

    @Test
    void saveAndLoadInTheMiddleOfALoopIsInvisible() {
        // ecx = 3,000,000 iterations of: eax = eax * 31 + ecx (mod 2^32); then exit with eax.
        Asm main = new Asm().mov(Asm.EAX, 0).mov(Asm.ECX, 3_000_000)
                .b(0x6B, 0xC0, 0x1F) // imul eax, eax, 31
                .b(0x01, 0xC8) // add eax, ecx
                .b(0xE2, 0xF9) // loop -7
                .b(0xE7, 0xF4);
        int expected = 0;
        for (int c = 3_000_000; c > 0; c--) {
            expected = expected * 31 + c;
        }
        TestRun r = run(TestGuest.protectedMode(main.bytes()),
                new GuestRunner.SwitchPlan(backend(), Duration.ofMillis(2)));
        assertEquals(TestExit.DONE, r.exit(), r.toString());
        assertEquals(expected, r.exitCode());
        assertTrue(r.switches() > 0, "the vCPU was re-created at least once: " + r.switches());
    }
}
