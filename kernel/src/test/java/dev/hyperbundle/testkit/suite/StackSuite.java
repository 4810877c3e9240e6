package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBP;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Asm.ESP;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * PUSH, POP (with ESP as operand and as base), PUSHA/POPA, PUSHF/POPF, ENTER with nesting levels, LEAVE,
 * and a 16-bit stack segment (SDM Vol. 2B PUSH, POP, PUSHA, POPF; Vol. 2A ENTER). The kit starts with
 * ESP = 0x80000; tests that preload the dword below it start without {@link #setup} (whose PUSH/POPFD
 * uses that slot).
 */
public abstract class StackSuite extends BackendSuite {
    static final int TOP = STACK_TOP;

    @Test
    void pushAndPop() {
        TestRun r = exec(setup(0, EAX, 0x11111111).x("50 5B")); // push eax; pop ebx
        assertRegs(r, EBX, 0x11111111, ESP, TOP);
        assertMem32(r, TOP - 4, 0x11111111);
    }

    @Test
    void pushEspPushesTheValueBeforeThePush() {
        TestRun r = exec(setup(0).x("54")); // push esp
        assertRegs(r, ESP, TOP - 4);
        assertMem32(r, TOP - 4, TOP);
    }

    @Test
    void popEspLoadsThePoppedValue() {
        // POP ESP increments ESP before the popped value is written to it (SDM POP)
        TestRun r = exec(setup(0).x("68 40 23 01 00 5C")); // push 0x12340; pop esp
        assertRegs(r, ESP, 0x12340);
    }

    @Test
    void popToEspBasedMemoryAddressesWithTheIncrementedEsp() {
        // POP [ESP+4]: the address is computed after ESP is incremented (SDM POP)
        TestRun r = exec(pm(setup(0).x("68 AA AA AA AA 8F 44 24 04")).load(TOP, dwords(0x11111111, 0x22222222))); // push; pop dword [esp+4]
        assertRegs(r, ESP, TOP);
        assertMem32(r, TOP, 0x11111111);
        assertMem32(r, TOP + 4, 0xaaaaaaaa);
    }

    @Test
    void pushFromEspBasedMemoryAddressesWithTheOldEsp() {
        TestRun r = exec(pm(setup(0).x("FF 74 24 04")).load(TOP, dwords(0x66666666, 0x55555555))); // push dword [esp+4]
        assertRegs(r, ESP, TOP - 4);
        assertMem32(r, TOP - 4, 0x55555555);
    }

    @Test
    void pushImmediate8IsSignExtended() {
        TestRun r = exec(setup(0).x("6A FF 6A 7F")); // push -1; push 0x7f
        assertRegs(r, ESP, TOP - 8);
        assertMem32(r, TOP - 4, 0xffffffff);
        assertMem32(r, TOP - 8, 0x7f);
    }

    @Test
    void pushWordImmediateMovesEspByTwo() {
        TestRun r = exec(pm(new Asm().x("66 68 34 12")).load(TOP - 4, dwords(0xaaaaaaaa))); // push word 0x1234
        assertRegs(r, ESP, TOP - 2);
        assertMem32(r, TOP - 4, 0x1234aaaa);
    }

    @Test
    void pushSegmentRegisterTakesFourBytes() {
        TestRun r = exec(pm(new Asm().x("1E")).load(TOP - 4, dwords(0xaaaaaaaa))); // push ds
        assertRegs(r, ESP, TOP - 4);
        int slot = r.read32(TOP - 4);
        assertHex(TestGuest.DATA32, slot & 0xffff, "pushed selector");
        // the upper half is either zero-extended or left as it was (SDM PUSH, "a 16-bit move")
        assertTrue((slot >>> 16) == 0 || (slot >>> 16) == 0xaaaa, () -> Integer.toHexString(slot));
    }

    @Test
    void popSegmentRegister() {
        TestRun r = exec(setup(0).x("6A 20 07 8C C0")); // push 0x20; pop es; mov eax, es
        assertRegs(r, ESP, TOP);
        assertHex(TestGuest.DATA16, r.state().gpr[EAX] & 0xffff, "ES");
        assertHex(TestGuest.DATA16, r.state().seg[0].selector, "ES selector");
    }

    @Test
    void pushadOrderWithTheOriginalEsp() {
        TestRun r = exec(setup(0, EAX, 0xa0, ECX, 0xc1, EDX, 0xd2, EBX, 0xb3, EBP, 0xb5, ESI, 0x56, EDI, 0xd7).x("60")); // pushad
        assertRegs(r, ESP, TOP - 32);
        int[] expected = {0xd7, 0x56, 0xb5, TOP, 0xb3, 0xd2, 0xc1, 0xa0}; // EDI first (lowest address)
        for (int i = 0; i < 8; i++) {
            assertMem32(r, TOP - 32 + 4 * i, expected[i]);
        }
    }

    @Test
    void popadSkipsTheSavedEsp() {
        Asm a = new Asm().mov(ESP, TOP - 32).x("61"); // popad
        TestRun r = exec(pm(a).load(TOP - 32, dwords(0xd7, 0x56, 0xb5, 0x12345678, 0xb3, 0xd2, 0xc1, 0xa0)));
        assertRegs(r, EDI, 0xd7, ESI, 0x56, EBP, 0xb5, EBX, 0xb3, EDX, 0xd2, ECX, 0xc1, EAX, 0xa0, ESP, TOP);
    }

    @Test
    void pushawPushesWords() {
        TestRun r = exec(setup(0, EAX, 0xffff0001, ECX, 0xffff0002, EDX, 0xffff0003, EBX, 0xffff0004, EBP, 0xffff0006,
                ESI, 0xffff0007, EDI, 0xffff0008).x("66 60")); // pushaw
        assertRegs(r, ESP, TOP - 16);
        assertMem32(r, TOP - 16, 0x00070008); // DI, SI
        assertMem32(r, TOP - 12, 0x00000006); // BP, SP (0x0000 of 0x80000)
        assertMem32(r, TOP - 8, 0x00030004); // BX, DX
        assertMem32(r, TOP - 4, 0x00010002); // CX, AX
    }

    /**
     * POPFD at CPL 0 changes every non-reserved flag except RF (cleared), VM, VIF and VIP (unaffected)
     * (SDM POPF, operation).
     */
    @Test
    void popfdAtCpl0() {
        TestRun r = exec(setup(0).x("68 D5 7C 3F 00 9D").saveFlags(DATA).x("6A 02 9D")); // push 0x3F7CD5; popfd; ...
        assertMem32(r, DATA, 0x00247cd7);
    }

    @Test
    void popfwKeepsTheUpperHalf() {
        TestRun r = exec(setup(Eflags.AC).x("66 68 D5 08 66 9D").saveFlags(DATA).x("6A 02 9D")); // push word 0x8D5; popfw
        assertMem32(r, DATA, 0x000408d7);
        assertRegs(r, ESP, TOP);
    }

    @Test
    void pushfwPushesTheLowHalf() {
        TestRun r = exec(setup(Eflags.AC | Eflags.CF).x("66 9C")); // pushfw
        assertRegs(r, ESP, TOP - 2);
        assertMem16(r, TOP - 2, 0x0003);
    }

    @Test
    void enterLevelZero() {
        TestRun r = exec(setup(0, EBP, 0x12345678).x("C8 10 00 00")); // enter 16, 0
        assertMem32(r, TOP - 4, 0x12345678);
        assertRegs(r, EBP, TOP - 4, ESP, TOP - 4 - 16);
    }

    @Test
    void enterLevelOnePushesTheFramePointer() {
        TestRun r = exec(setup(0, EBP, 0x12345678).x("C8 08 00 01")); // enter 8, 1
        assertMem32(r, TOP - 4, 0x12345678);
        assertMem32(r, TOP - 8, TOP - 4);
        assertRegs(r, EBP, TOP - 4, ESP, TOP - 8 - 8);
    }

    @Test
    void enterLevelThreeCopiesTheDisplay() {
        // level 3: two frame pointers copied from the caller's display below the old EBP, then the new one
        TestRun r = exec(pm(setup(0, EBP, 0x7f000).x("C8 08 00 03")).load(0x7f000 - 8, dwords(0xd2, 0xd1))); // enter 8, 3
        assertMem32(r, TOP - 4, 0x7f000);
        assertMem32(r, TOP - 8, 0xd1);
        assertMem32(r, TOP - 12, 0xd2);
        assertMem32(r, TOP - 16, TOP - 4);
        assertRegs(r, EBP, TOP - 4, ESP, TOP - 16 - 8);
    }

    @Test
    void leaveRestoresTheCallersFrame() {
        TestRun r = exec(pm(setup(0, EBP, 0x7ff00).x("C9")).load(0x7ff00, dwords(0xcafe))); // leave
        assertRegs(r, ESP, 0x7ff04, EBP, 0xcafe);
    }

    @Test
    void enterThenLeaveIsNeutral() {
        TestRun r = exec(setup(0, EBP, 0x5555).x("C8 20 00 02 C9")); // enter 32, 2; leave
        assertRegs(r, ESP, TOP, EBP, 0x5555);
    }

    @Test
    void sixteenBitStackSegmentWrapsSp() {
        // SS = the kit's 16-bit data segment (B = 0): the stack pointer is SP, and the upper half of ESP stays
        TestRun r = exec(setup(0, EAX, TestGuest.DATA16).x("8E D0").mov(ESP, 0x12340000).mov(EAX, 0xdeadbeef)
                .x("50").store(DATA, ESP).x("5B")); // mov ss, ax; ...; push eax; mov [DATA], esp; pop ebx
        assertMem32(r, 0xfffc, 0xdeadbeef);
        assertMem32(r, DATA, 0x1234fffc);
        assertRegs(r, ESP, 0x12340000, EBX, 0xdeadbeef);
    }

    /**
     * PUSH FS/GS and POP GS/FS with a 32-bit operand size move ESP by 4 and carry the selector in the low word
     * (SDM Vol. 2B, PUSH: the upper half of the slot is either zeroed or left as it was, so it is not checked).
     */
    @Test
    void pushAndPopOfFsAndGsMoveEspByFour() {
        Asm a = setup(0).mov(EAX, TestGuest.DATA16).x("8E E0") // mov fs, ax
                .x("0F A0") // push fs
                .x("8B 1C 24") // mov ebx, [esp]
                .x("0F A9") // pop gs: GS = the pushed FS
                .x("0F A8 0F A1") // push gs; pop fs
                .x("8C E1 8C EA"); // mov ecx, fs; mov edx, gs
        TestRun r = exec(a);
        assertHex(TestGuest.DATA16, r.state().gpr[EBX] & 0xffff, "pushed selector");
        assertRegs(r, ESP, STACK_TOP);
        assertHex(TestGuest.DATA16, r.state().gpr[ECX] & 0xffff, "FS");
        assertHex(TestGuest.DATA16, r.state().gpr[EDX] & 0xffff, "GS");
    }
}
