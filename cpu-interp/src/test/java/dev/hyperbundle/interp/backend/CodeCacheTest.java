package dev.hyperbundle.interp.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.testkit.suite.Asm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The decoded-code cache must never run stale code: self-modifying code (also of the very next
 * instruction and of the second half of a page-crossing instruction), code written through
 * GuestMemory by a device during a run or from another thread between runs, a linear page the guest
 * maps to another frame, eviction; and the memory fast paths across page boundaries.
 */
class CodeCacheTest {
    private static final int CODE = DirectMachine.CODE, PD = 0x40000, PT = 0x41000;

    /** mov eax, value; ret */
    private static byte[] returns(int value) {
        return new Asm().mov(Asm.EAX, value).b(0xC3).bytes();
    }

    @Test
    void storeIntoAnImmediateOfCachedCodeTakesEffect() {
        int loop = CODE + 7;
        Asm a = new Asm().mov(Asm.ECX, 3).b(0x31, 0xDB) // mov ecx, 3; xor ebx, ebx
                .mov(Asm.EAX, 1) // L: mov eax, 1 (imm at L+1)
                .b(0x01, 0xC3) // add ebx, eax
                .b(0xC7, 0x05).d(loop + 1).d(10) // mov dword [L+1], 10
                .b(0xE2, 0x100 - 19) // loop L
                .hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(21, s.gpr[Asm.EBX]);
        }
    }

    @Test
    void storeIntoTheNextInstructionTakesEffect() {
        int n = CODE + 0x0D; // address of "mov al, imm8" below
        Asm a = new Asm().b(0x31, 0xD2).mov(Asm.ECX, 3) // xor edx, edx; mov ecx, 3
                .b(0x88, 0x0D).d(n + 1) // L: mov [N+1], cl
                .b(0xB0, 0x00) // N: mov al, 0
                .b(0x00, 0xC2) // add dl, al
                .b(0xE2, 0x100 - 12) // loop L
                .hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(3 + 2 + 1, s.gpr[Asm.EDX]);
        }
    }

    @Test
    void codeWrittenThroughGuestMemoryDuringTheRunIsRedecoded() {
        Asm a = new Asm().mov(Asm.ESI, 0x12000).b(0xFF, 0xD6) // call esi
                .b(0x89, 0xC3) // mov ebx, eax
                .b(0xE6, 0xE0) // out 0xE0, al: the device rewrites 0x12000
                .b(0xFF, 0xD6).hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            m.load(0x12000, returns(1));
            byte[] replacement = returns(2);
            m.onOut(0xE0, () -> m.platform.memory().write(0x12000, replacement, 0, replacement.length));
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(1, s.gpr[Asm.EBX]);
            assertEquals(2, s.gpr[Asm.EAX]);
        }
    }

    @Test
    void codeWrittenFromAnotherThreadBetweenRunsIsRedecoded() throws Exception {
        Asm a = new Asm().mov(Asm.ESI, 0x12000).b(0xFF, 0xD6).hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            m.load(0x12000, returns(1));
            assertEquals(1, m.runToHlt(DirectMachine.flat(CODE)).gpr[Asm.EAX]);
            byte[] replacement = returns(3);
            Thread device = Thread.ofPlatform().start(() -> m.platform.memory().write(0x12000, replacement, 0, replacement.length));
            device.join();
            assertEquals(3, m.runToHlt(DirectMachine.flat(CODE)).gpr[Asm.EAX]);
        }
    }

    /** Identity map of the first 4 MiB, paging on; then the body. */
    private static Asm paged() {
        return new Asm().mov(Asm.EAX, PD).b(0x0F, 0x22, 0xD8) // mov cr3, eax
                .b(0x0F, 0x20, 0xC0, 0x0D).d(0x80000000).b(0x0F, 0x22, 0xC0); // cr0 |= PG
    }

    private static byte[] identityTable() {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) {
            b.putInt(i * 4, i << 12 | 3);
        }
        return b.array();
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private void remap(boolean byCr3Reload) {
        int linear = 0x200000, pte = PT + 0x200 * 4;
        Asm a = paged().b(0xC7, 0x05).d(pte).d(0x30003) // map linear 0x200000 -> 0x30000
                .mov(Asm.ESI, linear).b(0xFF, 0xD6) // call esi
                .b(0x89, 0xC3) // mov ebx, eax
                .b(0xC7, 0x05).d(pte).d(0x31003); // map it to 0x31000
        if (byCr3Reload) {
            a.b(0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8); // mov eax, cr3; mov cr3, eax
        } else {
            a.b(0x0F, 0x01, 0x3E); // invlpg [esi]
        }
        a.b(0xFF, 0xD6).hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            m.load(PD, le32(PT | 3));
            m.load(PT, identityTable());
            m.load(0x30000, returns(1));
            m.load(0x31000, returns(2));
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(1, s.gpr[Asm.EBX]);
            assertEquals(2, s.gpr[Asm.EAX]);
        }
    }

    @Test
    void remappedLinearPageRunsTheNewFrameAfterInvlpg() {
        remap(false);
    }

    @Test
    void remappedLinearPageRunsTheNewFrameAfterCr3Reload() {
        remap(true);
    }

    @Test
    void codeThatRemapsItsOwnPageContinuesInTheNewFrame() {
        // Runs at linear 0x200000 (frame 0x30000), points that page at frame 0x31000, flushes it and jumps
        // back to the page start, which it already ran: it must now run frame 0x31000's bytes there,
        // although EIP never left the linear page.
        try (DirectMachine m = new DirectMachine()) {
            int linear = 0x200000, pte = PT + 0x200 * 4;
            Asm main = paged().b(0xC7, 0x05).d(pte).d(0x30003).b(0x31, 0xDB) // map to 0x30000; xor ebx, ebx
                    .mov(Asm.ESI, linear).b(0xFF, 0xE6); // jmp esi
            m.load(CODE, main.bytes());
            m.load(PD, le32(PT | 3));
            m.load(PT, identityTable());
            m.load(0x30000, selfRemapper(pte, 1));
            m.load(0x31000, selfRemapper(pte, 2));
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(2, s.gpr[Asm.EAX]);
        }
    }

    private static byte[] selfRemapper(int pte, int value) {
        return new Asm().mov(Asm.EAX, value) // 0: mov eax, value
                .b(0x85, 0xDB, 0x75, 16) // 5: test ebx, ebx; jnz 25
                .b(0x43) // 9: inc ebx
                .b(0xC7, 0x05).d(pte).d(0x31003) // 10: mov dword [pte], 0x31003
                .b(0x0F, 0x01, 0x3E) // 20: invlpg [esi]
                .b(0xFF, 0xE6) // 23: jmp esi
                .hlt() // 25
                .bytes();
    }

    @Test
    void sameBytesRunAs16And32BitCodeDecodeDifferently() {
        // 32-bit: mov eax, 0x00020001; hlt. 16-bit: mov ax, 1; add al, [bx+si]; hlt (memory at 0 is zero).
        byte[] code = {(byte) 0xB8, 0x01, 0x00, 0x02, 0x00, (byte) 0xF4};
        X86CpuState code16 = DirectMachine.flat(0x8000);
        code16.seg[X86CpuState.CS].set(new Segment(0x18, 0, 0xffff, 0xb | Segment.S | Segment.P));
        try (DirectMachine m = new DirectMachine()) {
            m.load(0x8000, code);
            assertEquals(1, m.runToHlt(code16).gpr[Asm.EAX] & 0xffff);
            assertEquals(0x00020001, m.runToHlt(DirectMachine.flat(0x8000)).gpr[Asm.EAX]);
            X86CpuState again = code16.copy();
            again.gpr[Asm.EAX] = 0x55550000;
            assertEquals(0x55550001, m.runToHlt(again).gpr[Asm.EAX]);
        }
    }

    @Test
    void pageCrossingInstructionSeesAChangeInItsSecondPage() {
        int at = 0x10FFE; // mov eax, imm32 spans 0x10FFE..0x11002; ret at 0x11003
        Asm a = new Asm().mov(Asm.ESI, at).b(0xFF, 0xD6).b(0x89, 0xC3) // call esi; mov ebx, eax
                .b(0xC6, 0x05).d(0x11001).b(0x77) // mov byte [0x11001], 0x77
                .b(0xFF, 0xD6).hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(0x13000, a.bytes());
            m.load(at, new Asm().mov(Asm.EAX, 0x44332211).b(0xC3).bytes());
            X86CpuState s = m.runToHlt(DirectMachine.flat(0x13000));
            assertEquals(0x44332211, s.gpr[Asm.EBX]);
            assertEquals(0x44772211, s.gpr[Asm.EAX]);
        }
    }

    @Test
    void codeAndDataSharingAPageStayCorrectWhenWrittenOften() {
        // 200 iterations: patch the immediate of "add ebx, imm32" with ecx, and also store to a data word
        // on the same page; the page is dropped often enough to be left uncached for a while.
        int add = CODE + 0x0D;
        Asm a = new Asm().b(0x31, 0xDB).mov(Asm.ECX, 200) // xor ebx, ebx; mov ecx, 200
                .b(0x89, 0x0D).d(add + 2) // L: mov [ADD+2], ecx
                .b(0x81, 0xC3).d(0) // ADD: add ebx, imm32
                .b(0x89, 0x1D).d(CODE + 0x800) // mov [CODE+0x800], ebx
                .b(0xE2, 0x100 - 20) // loop L
                .hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(200 * 201 / 2, s.gpr[Asm.EBX]);
        }
    }

    @Test
    void evictionKeepsInvalidationWorking() {
        // Calls a "ret" at the start of 2200 pages (more than the cache holds: 2048), then rewrites the first one.
        int first = 0x100000, pages = 2200;
        Asm a = new Asm().mov(Asm.ESI, first).mov(Asm.ECX, pages)
                .b(0xFF, 0xD6) // L: call esi
                .b(0x81, 0xC6).d(0x1000) // add esi, 0x1000
                .b(0xE2, 0x100 - 10) // loop L
                .mov(Asm.ESI, first).b(0xFF, 0xD6) // call the first page again (mov eax, 1; ret)
                .b(0x89, 0xC3) // mov ebx, eax
                .b(0xC7, 0x05).d(first + 1).d(9) // patch its immediate
                .b(0xFF, 0xD6).hlt();
        try (DirectMachine m = new DirectMachine(16 << 20)) {
            m.load(CODE, a.bytes());
            for (int p = 0; p < pages; p++) {
                m.load(first + p * 0x1000, p == 0 ? returns(1) : new byte[] {(byte) 0xC3});
            }
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(1, s.gpr[Asm.EBX]);
            assertEquals(9, s.gpr[Asm.EAX]);
        }
    }

    @Test
    void dataAccessesAcrossPageBoundaries() {
        Asm a = new Asm().mov(Asm.EAX, 0x11223344).store(0x20FFE, Asm.EAX) // flat, contiguous frames
                .b(0x8B, 0x1D).d(0x20FFD) // mov ebx, [0x20FFD]
                .b(0x66, 0x8B, 0x15).d(0x20FFF); // mov dx, [0x20FFF]
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.hlt().bytes());
            m.load(0x20FFD, new byte[] {0x55});
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(0x22334455, s.gpr[Asm.EBX]);
            assertEquals(0x2233, s.gpr[Asm.EDX] & 0xffff);
        }
    }

    @Test
    void pagedAccessesAcrossPageBoundariesUseBothFrames() {
        // linear 0x200000 -> 0x33000, 0x201000 -> 0x35000: a 4-byte store at 0x200FFE splits 2 + 2.
        Asm a = paged().b(0xC7, 0x05).d(PT + 0x200 * 4).d(0x33003).b(0xC7, 0x05).d(PT + 0x201 * 4).d(0x35003)
                .mov(Asm.EAX, 0x11223344).store(0x200FFE, Asm.EAX)
                .b(0x8B, 0x1D).d(0x200FFF) // mov ebx, [0x200FFF]
                .b(0x66, 0xC7, 0x05).d(0x200FFF).b(0xCD, 0xAB) // mov word [0x200FFF], 0xABCD
                .b(0x0F, 0xB7, 0x15).d(0x200FFF) // movzx edx, word [0x200FFF]
                .hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            m.load(PD, le32(PT | 3));
            m.load(PT, identityTable());
            m.load(0x35002, new byte[] {0x66});
            X86CpuState s = m.runToHlt(DirectMachine.flat(CODE));
            assertEquals(0x66112233, s.gpr[Asm.EBX]);
            assertEquals(0xABCD, s.gpr[Asm.EDX]);
            byte[] low = new byte[2];
            byte[] high = new byte[3];
            m.platform.memory().read(0x33FFE, low, 0, 2);
            m.platform.memory().read(0x35000, high, 0, 3);
            assertEquals(0x44, low[0] & 0xff);
            assertEquals(0xCD, low[1] & 0xff);
            assertEquals(0xAB, high[0] & 0xff);
            assertEquals(0x11, high[1] & 0xff);
            assertEquals(0x66, high[2] & 0xff);
        }
    }

    @Test
    void aCallIntoAnotherPageRunsItsTargetRewritten() {
        // The CALL links its target in page 0x30000; the caller then rewrites the callee's immediate: the
        // second call must run the new bytes (the link is checked against the dropped table).
        Asm caller = new Asm().mov(Asm.ECX, 2).b(0x31, 0xDB) // mov ecx, 2; xor ebx, ebx
                .b(0xE8).d(0x30000 - (CODE + 12)) // L (+7): call 0x30000
                .b(0x01, 0xC3) // add ebx, eax
                .b(0xC7, 0x05).d(0x30001).d(5) // mov dword [0x30001], 5
                .b(0x49, 0x75, 0x100 - 20) // dec ecx; jnz L
                .hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, caller.bytes());
            m.load(0x30000, returns(1));
            assertEquals(1 + 5, m.runToHlt(DirectMachine.flat(CODE)).gpr[Asm.EBX]);
        }
    }

    @Test
    void aReturnToARewrittenReturnSiteRunsTheNewBytes() {
        // The first RET learns the op after the CALL; on the second call the callee rewrites that very
        // instruction (mov eax, 1 -> mov eax, 7) before returning: the return must not use the learnt op.
        int returnSite = CODE + 12;
        Asm caller = new Asm().mov(Asm.ECX, 2).b(0x31, 0xDB) // mov ecx, 2; xor ebx, ebx
                .b(0xE8).d(0x30000 - returnSite) // L (+7): call 0x30000
                .mov(Asm.EAX, 1) // R: mov eax, 1
                .b(0x01, 0xC3, 0x49, 0x75, 0x100 - 15) // add ebx, eax; dec ecx; jnz L
                .hlt();
        Asm callee = new Asm().b(0xFF, 0x05).d(0x40000) // inc dword [0x40000]
                .b(0x83, 0x3D).d(0x40000).b(2) // cmp dword [0x40000], 2
                .b(0x75, 10) // jne +10
                .b(0xC7, 0x05).d(returnSite + 1).d(7) // mov dword [R+1], 7
                .b(0xC3); // ret
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, caller.bytes());
            m.load(0x30000, callee.bytes());
            assertEquals(1 + 7, m.runToHlt(DirectMachine.flat(CODE)).gpr[Asm.EBX]);
        }
    }

    @Test
    void aFusedCompareAndBranchSeesItsBranchRewritten() {
        // "cmp ebx, 10; jne L" runs as one op; on the second pass the loop stores 0 into the jne's
        // displacement, so the jne falls through at once: EBX ends at 2, not 10.
        int jne = CODE + 18;
        Asm a = new Asm().b(0x31, 0xDB) // xor ebx, ebx
                .b(0x43) // L (+2): inc ebx
                .b(0x83, 0xFB, 0x02, 0x75, 0x07) // cmp ebx, 2; jne +7
                .b(0xC6, 0x05).d(jne + 1).b(0) // mov byte [jne+1], 0
                .b(0x83, 0xFB, 0x0A) // cmp ebx, 10
                .b(0x75, 0x100 - 18) // jne L
                .hlt();
        try (DirectMachine m = new DirectMachine()) {
            m.load(CODE, a.bytes());
            assertEquals(2, m.runToHlt(DirectMachine.flat(CODE)).gpr[Asm.EBX]);
        }
    }
}
