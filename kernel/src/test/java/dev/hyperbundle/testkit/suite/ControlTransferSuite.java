package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESP;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.PF;
import static dev.hyperbundle.testkit.suite.Eflags.SF;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * CALL, RET, RET imm16, near and far, direct and indirect; JMP forms; LOOP, LOOPE, LOOPNE, JECXZ with
 * 32- and 16-bit counters (address-size prefix); IRET to the same privilege level (SDM Vol. 2A CALL,
 * Jcc, JMP, LOOPcc; Vol. 2B RET; IRET). A subroutine sits at {@link #SUB}.
 */
public abstract class ControlTransferSuite extends BackendSuite {
    static final int SUB = 0x12000;
    static final int TOP = STACK_TOP;

    private TestRun withSub(Asm main, Asm sub) {
        return exec(pm(main).load(SUB, sub.bytes()));
    }

    @Test
    void callPushesTheReturnAddress() {
        Asm main = setup(0).jump32("E8", "sub").mov(EBX, 1).hlt().label("sub").x("8B 04 24"); // call sub; ...; sub: mov eax, [esp]
        int after = CODE + 6 + 5;
        TestRun r = exec(main);
        assertRegs(r, EAX, after, ESP, TOP - 4, EBX, 0);
    }

    @Test
    void callAndReturn() {
        TestRun r = withSub(setup(0).mov(EAX, SUB).x("FF D0").mov(EBX, 2), new Asm(SUB).mov(ECX, 7).x("C3")); // call eax; ... ret
        assertRegs(r, ECX, 7, EBX, 2, ESP, TOP);
    }

    @Test
    void returnWithImmediateReleasesArguments() {
        TestRun r = withSub(setup(0).x("6A 01 6A 02").mov(EAX, SUB).x("FF D0").mov(EBX, 3), // push 1; push 2; call eax
                new Asm(SUB).x("8B 4C 24 04 C2 08 00")); // mov ecx, [esp+4]; ret 8
        assertRegs(r, ECX, 2, EBX, 3, ESP, TOP);
    }

    @Test
    void callThroughMemory() {
        TestRun r = exec(pm(setup(0).x("FF 15 00 00 03 00").mov(EBX, 4)).load(SUB, new Asm(SUB).mov(ECX, 8).x("C3").bytes())
                .load(DATA, dwords(SUB))); // call [0x30000]
        assertRegs(r, ECX, 8, EBX, 4, ESP, TOP);
    }

    @Test
    void jumpThroughRegisterAndMemory() {
        Asm sub = new Asm(SUB).mov(ECX, 9).x("FF 25 00 00 03 00"); // jmp [0x30000] (back into main)
        Asm main = setup(0).mov(EAX, SUB).x("FF E0").label("back").mov(EBX, 5); // jmp eax
        int back = CODE + 6 + 5 + 2;
        TestRun r = exec(pm(main).load(SUB, sub.bytes()).load(DATA, dwords(back)));
        assertRegs(r, ECX, 9, EBX, 5, ESP, TOP);
    }

    @Test
    void shortJumpsBackwardAndForward() {
        Asm a = setup(0, EAX, 0).jump8(0xEB, "forward").label("backward").x("83 C0 10").jump8(0xEB, "end") // add eax, 16
                .label("forward").x("83 C0 01").jump8(0xEB, "backward").label("end"); // add eax, 1
        TestRun r = exec(a);
        assertRegs(r, EAX, 0x11);
    }

    @Test
    void farCallPushesCsAndEipAndFarReturnPopsThem() {
        Asm main = setup(0).b(0x9A).d(SUB).w(TestGuest.CODE32).mov(EBX, 6); // call 0x08:SUB
        int after = CODE + 6 + 7;
        TestRun r = withSub(main, new Asm(SUB).x("8B 04 24 8B 4C 24 04 CB")); // mov eax, [esp]; mov ecx, [esp+4]; retf
        assertRegs(r, EAX, after, EBX, 6, ESP, TOP);
        assertHex(TestGuest.CODE32, r.state().gpr[ECX] & 0xffff, "pushed CS");
        assertHex(TestGuest.CODE32, r.state().seg[1].selector, "CS");
    }

    @Test
    void farReturnWithImmediate() {
        TestRun r = withSub(setup(0).x("6A 11").b(0x9A).d(SUB).w(TestGuest.CODE32).mov(EBX, 7), // push 0x11; call far
                new Asm(SUB).x("CA 04 00")); // retf 4
        assertRegs(r, EBX, 7, ESP, TOP);
    }

    @Test
    void farJump() {
        TestRun r = withSub(setup(0).b(0xEA).d(SUB).w(TestGuest.CODE32).mov(EBX, 1), new Asm(SUB).mov(ECX, 0x77).hlt()); // jmp 0x08:SUB
        assertRegs(r, ECX, 0x77, EBX, 0, ESP, TOP);
        assertHex(SUB + 6, r.state().eip, "EIP after the HLT");
    }

    @Test
    void loopCountsEcxDownAndKeepsTheFlags() {
        Asm a = setup(CF, EAX, 0, ECX, 5).label("body").x("40").jump8(0xE2, "body"); // inc eax; loop body
        TestRun r = exec(a);
        assertRegs(r, EAX, 5, ECX, 0);
        assertFlags(r, CF | PF, CF | PF | ZF); // the last INC (5: PF); LOOP changes no flag
    }

    @Test
    void loopWithEcxOneFallsThrough() {
        TestRun r = exec(setup(0, ECX, 1, EDX, 0).jump8(0xE2, "skip").mov(EDX, 1).label("skip")); // loop skip
        assertRegs(r, ECX, 0, EDX, 1);
    }

    @Test
    void loopeStopsWhenNotEqual() {
        Asm a = setup(ZF, EAX, 0, EBX, 100, ECX, 5).label("body").x("40 39 D8").jump8(0xE1, "body"); // inc eax; cmp eax, ebx; loope
        TestRun r = exec(a);
        assertRegs(r, EAX, 1, ECX, 4);
    }

    @Test
    void loopneStopsWhenEqual() {
        Asm a = setup(0, EAX, 0, EBX, 3, ECX, 5).label("body").x("40 39 D8").jump8(0xE0, "body"); // inc eax; cmp eax, ebx; loopne
        TestRun r = exec(a);
        assertRegs(r, EAX, 3, ECX, 2);
    }

    @Test
    void loopWithAddressSizePrefixCountsCx() {
        TestRun r = exec(setup(0, ECX, 0x00010001, EDX, 0).b(0x67).jump8(0xE2, "skip").mov(EDX, 1).label("skip")); // loop (a16)
        assertRegs(r, ECX, 0x00010000, EDX, 1); // CX reached 0: not taken, the upper half untouched
    }

    @Test
    void jecxzTakenOnlyForZero() {
        Asm a = setup(0, ECX, 0, EDX, 0).jump8(0xE3, "zero").mov(EDX, 1).label("zero") // jecxz zero
                .mov(ECX, 0x10000).jump8(0xE3, "never").mov(EBX, 2).label("never"); // jecxz never
        TestRun r = exec(a);
        assertRegs(r, EDX, 0, EBX, 2);
    }

    @Test
    void jcxzTestsOnlyCx() {
        TestRun r = exec(setup(0, ECX, 0x10000, EDX, 0).b(0x67).jump8(0xE3, "zero").mov(EDX, 1).label("zero")); // jcxz (a16)
        assertRegs(r, EDX, 0, ECX, 0x10000);
    }

    @Test
    void iretToTheSameLevelPopsEipCsAndEflags() {
        Asm main = setup(0).x("68").d(SF | OF | CF | Eflags.FIXED).x("6A 08").x("68").d(SUB).x("CF"); // push flags; push cs; push SUB; iretd
        TestRun r = withSub(main, new Asm(SUB).mov(EBX, 0x1e).hlt());
        assertRegs(r, EBX, 0x1e, ESP, TOP);
        assertFlags(r, SF | OF | CF, Eflags.STATUS);
    }
}
