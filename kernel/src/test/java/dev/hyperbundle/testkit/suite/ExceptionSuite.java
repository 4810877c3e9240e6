package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.IF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.STATUS;
import static dev.hyperbundle.testkit.suite.Eflags.TF;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * Exceptions and software interrupts in protected mode through the {@link FaultRecorder}'s IDT (SDM Vol.
 * 3A, 6.15 "Exception and Interrupt Reference"): the vector, the error code, the pushed EIP (a fault's
 * is the faulting instruction, prefixes included; a trap's and INT n's is the next one), the pushed
 * EFLAGS, and that the faulting instruction changed nothing. Error codes for IDT entries: index * 8 + 2
 * (IDT bit), EXT clear for INT n (6.13 "Error Code").
 */
public abstract class ExceptionSuite extends BackendSuite {
    static final int UD = 6, GP = 13, NP = 11, DF = 8, BP = 3, OVERFLOW = 4, BR = 5, DB = 1, MF = 16;

    private TestRun faulting(String instructionHex, int flagsIn, int... regs) {
        Asm a = setup(flagsIn, regs);
        return exec(recording(a.x(instructionHex).exit(1)));
    }

    private static int after(int regs) {
        return CODE + 6 + 5 * regs; // setup: PUSH imm32; POPFD; one MOV r32, imm32 per register
    }

    @Test
    void ud2RaisesInvalidOpcode() {
        TestRun r = faulting("0F 0B", CF | ZF); // ud2
        assertException(r, UD, after(0));
        assertHex(CF | ZF, FaultRecorder.stack(r, 2) & STATUS, "pushed EFLAGS");
    }

    @Test
    void movToCsRaisesInvalidOpcode() {
        TestRun r = faulting("8E C8", 0, EAX, TestGuest.DATA32); // mov cs, eax
        assertException(r, UD, after(1));
        assertHex(TestGuest.CODE32, r.state().seg[1].selector, "CS");
    }

    @Test
    void cmpxchg8bWithARegisterOperandRaisesInvalidOpcode() {
        TestRun r = faulting("0F C7 C8", 0); // cmpxchg8b with mod = 11
        assertException(r, UD, after(0));
    }

    @Test
    void leaWithARegisterOperandRaisesInvalidOpcode() {
        TestRun r = faulting("8D C0", 0, EAX, 9); // lea eax, eax
        assertException(r, UD, after(1));
        assertRegs(r, EAX, 9);
    }

    @Test
    void int3PushesTheNextInstruction() {
        TestRun r = faulting("CC", 0); // int3
        assertException(r, BP, after(0) + 1);
    }

    @Test
    void intNPushesTheNextInstructionAndTheFlags() {
        TestRun r = faulting("CD 40", OF | CF); // int 0x40
        assertException(r, 0x40, after(0) + 2);
        assertHex(OF | CF | Eflags.FIXED, FaultRecorder.stack(r, 2), "pushed EFLAGS");
        assertHex(0x80000 - 12, FaultRecorder.esp(r), "handler ESP: EIP, CS, EFLAGS pushed");
    }

    @Test
    void intoWithOverflowTraps() {
        TestRun r = faulting("CE", OF); // into
        assertException(r, OVERFLOW, after(0) + 1);
    }

    @Test
    void intoWithoutOverflowDoesNothing() {
        TestRun r = run(recording(setup(0).x("CE").exit(0x0f)));
        assertExit(r, 0x0f);
        assertHex(0, FaultRecorder.count(r), "events");
    }

    @Test
    void boundOutOfRangeFaults() {
        TestRun r = exec(FaultRecorder.install(pm(setup(0, EAX, 21).x("62 05 00 00 03 00").exit(1))) // bound eax, [0x30000]
                .load(DATA, dwords(10, 20)));
        assertException(r, BR, after(1));
    }

    @Test
    void boundInRangeIncludesTheUpperBound() {
        TestRun r = run(FaultRecorder.install(pm(setup(0, EAX, 20).x("62 05 00 00 03 00").exit(2))).load(DATA, dwords(10, 20)));
        assertExit(r, 2);
    }

    @Test
    void softwareInterruptBeyondTheIdtLimitRaisesGeneralProtection() {
        TestRun r = exec(recording(setup(0).x("CD 50").exit(1)).state(s -> s.idtLimit = 0x40 * 8 - 1)); // int 0x50
        assertException(r, GP, 0x50 * 8 + 2, after(0));
    }

    /** An interrupt gate with P clear (a gate of type 0 would be #GP: the type is checked first, SDM INT n). */
    static long notPresent(int vector) {
        return FaultRecorder.recordingGate(vector, SystemTables.INTERRUPT_GATE, 0) & ~(1L << 47);
    }

    @Test
    void notPresentGateRaisesSegmentNotPresent() {
        TestRun r = exec(FaultRecorder.gate(recording(setup(0).x("CD 41").exit(1)), 0x41, notPresent(0x41))); // int 0x41
        assertException(r, NP, 0x41 * 8 + 2, after(0));
    }

    @Test
    void segmentNotPresentWhileDeliveringSegmentNotPresentIsADoubleFault() {
        // #UD's gate is not present: #NP (contributory); #NP's gate is not present either: #NP during #NP
        // is two contributory exceptions, so #DF with error code 0 (SDM Vol. 3A, tables 6-4 and 6-5)
        TestGuest g = FaultRecorder.gate(FaultRecorder.gate(recording(setup(0).x("0F 0B").exit(1)), UD, notPresent(UD)),
                NP, notPresent(NP));
        TestRun r = exec(g);
        assertHalted(r);
        assertHex(DF, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(0, FaultRecorder.stack(r, 0), "error code");
    }

    @Test
    void anEmptyIdtEntryRaisesGeneralProtection() {
        TestRun r = exec(FaultRecorder.gate(recording(setup(0).x("CD 41").exit(1)), 0x41, 0)); // int 0x41: type 0
        assertException(r, GP, 0x41 * 8 + 2, after(0));
    }

    @Test
    void farJumpToADataSegmentRaisesGeneralProtection() {
        TestRun r = faulting("EA 00 20 01 00 10 00", 0); // jmp 0x10:0x12000
        assertException(r, GP, TestGuest.DATA32, after(0));
    }

    @Test
    void farCallToTheNullSelectorRaisesGeneralProtection() {
        TestRun r = faulting("9A 00 20 01 00 00 00", 0); // call 0x0:0x12000
        assertException(r, GP, 0, after(0));
        assertHex(0x80000 - 16, FaultRecorder.esp(r), "nothing pushed before the fault");
    }

    @Test
    void writeThroughACodeSegmentRaisesGeneralProtection() {
        TestRun r = faulting("2E A3 00 00 03 00", 0, EAX, 0x12345678); // mov cs:[0x30000], eax
        assertException(r, GP, 0, after(1));
        assertMem32(r, DATA, 0);
    }

    @Test
    void interruptGateClearsIfAndTrapGateKeepsIt() {
        TestGuest g = FaultRecorder.gate(recording(new Asm().x("FB 0F 0B")), UD, // sti; ud2
                FaultRecorder.recordingGate(UD, SystemTables.TRAP_GATE, 0));
        TestRun trap = exec(g);
        assertException(trap, UD, CODE + 1);
        assertHex(IF, FaultRecorder.flags(trap) & IF, "IF in a trap gate's handler");
        TestRun interrupt = exec(recording(new Asm().x("FB 0F 0B")));
        assertException(interrupt, UD, CODE + 1);
        assertHex(0, FaultRecorder.flags(interrupt) & IF, "IF in an interrupt gate's handler");
        assertHex(IF, FaultRecorder.stack(interrupt, 2) & IF, "pushed EFLAGS.IF");
    }

    @Test
    void lockOnARegisterDestinationRaisesInvalidOpcode() {
        TestRun r = faulting("F0 01 C0", 0, EAX, 5); // lock add eax, eax
        assertException(r, UD, after(1)); // EIP of the LOCK prefix
        assertRegs(r, EAX, 5);
    }

    @Test
    void trapFlagStepsTheInstructionAfterThePopf() {
        // TF set by POPFD: the next instruction completes, then #DB (a trap) with DR6.BS (SDM Vol. 3B, 17.3.1.4)
        Asm a = new Asm().x("68").d(TF | Eflags.FIXED).x("9D").mov(EAX, 1).mov(EBX, 2);
        TestRun r = exec(recording(a));
        assertException(r, DB, CODE + 6 + 5);
        assertRegs(r, EAX, 1, EBX, 0);
        assertHex(TF, FaultRecorder.stack(r, 2) & TF, "pushed EFLAGS.TF");
        assertHex(0, FaultRecorder.flags(r) & TF, "TF in the handler");
        assertHex(0x4000, r.state().dr[6] & 0x4000, "DR6.BS");
    }

    @Test
    void notPresentGateForAnExceptionSetsTheExtBit() {
        // the #NP comes from delivering an exception, not from the program: EXT = 1 (SDM Vol. 3A, 6.13)
        TestRun r = exec(FaultRecorder.gate(recording(setup(0).x("0F 0B").exit(1)), UD, notPresent(UD))); // ud2
        assertException(r, NP, UD * 8 + 2 + 1, after(0));
    }

    @Test
    void emptyGateForAnExceptionSetsTheExtBit() {
        TestRun r = exec(FaultRecorder.gate(recording(setup(0).x("0F 0B").exit(1)), UD, 0)); // ud2, IDT entry 6 empty
        assertException(r, GP, UD * 8 + 2 + 1, after(0));
    }

    /**
     * An x87 division by zero with the zero-divide exception unmasked (FCW 0x037B): the FDIVP only sets FSW.ZE and
     * ES; the error is reported at the next waiting instruction. ne: set CR0.NE first (the kit starts with it clear).
     */
    private static Asm pendingX87Error(boolean ne) {
        Asm a = setup(0);
        if (ne) {
            a.x("0F 20 C0 0D 20 00 00 00 0F 22 C0"); // mov eax, cr0; or eax, CR0.NE; mov cr0, eax
        }
        return a.x("DB E3") // fninit
                .x("68 7B 03 00 00 D9 2C 24") // push 0x037b; fldcw [esp]
                .x("D9 E8 D9 EE DE F9") // fld1; fldz; fdivp st(1), st(0)
                .x("DF E0"); // fnstsw ax: a non-waiting instruction runs despite the pending error
    }

    /** CR0.NE = 1 (native mode): #MF, a fault, at the WAIT after the failing instruction (SDM Vol. 1, 8.7.1). */
    @Test
    void pendingX87ErrorRaisesMfAtTheNextWaitWithCr0Ne() {
        Asm a = pendingX87Error(true);
        int wait = CODE + a.size();
        TestRun r = exec(recording(a.x("9B").exit(1))); // fwait
        assertException(r, MF, wait);
        assertHex(0x8084, r.state().gpr[EAX] & 0x80ff, "FSW: B, ES and ZE (FNSTSW ran)");
    }

    /** The next x87 instruction that waits raises the #MF just as WAIT does; FNCLEX before it, nothing. */
    @Test
    void pendingX87ErrorRaisesMfAtTheNextWaitingX87InstructionButNotAfterFnclex() {
        Asm a = pendingX87Error(true);
        int fld = CODE + a.size();
        assertException(exec(recording(a.x("D9 E8").exit(1))), MF, fld); // fld1
        assertExit(run(recording(pendingX87Error(true).x("DB E2 9B D9 E8").exit(1))), 1); // fnclex; fwait; fld1
    }

    /**
     * CR0.NE = 0 (MS-DOS compatibility mode): no #MF; the CPU freezes just before the waiting instruction until an
     * interrupt comes (SDM Vol. 1, 8.7.2 and D.2.1.3). With interrupts off here, it stays frozen: the run ends
     * halted with EIP at the WAIT and no event delivered. (On a PC, FERR# raises IRQ 13 meanwhile.)
     */
    @Test
    void pendingX87ErrorFreezesTheCpuBeforeTheWaitWithoutCr0Ne() {
        Asm a = pendingX87Error(false);
        int wait = CODE + a.size();
        TestRun r = exec(recording(a.x("9B").exit(1)));
        assertHex(0, FaultRecorder.count(r), "events delivered");
        assertHex(wait, r.state().eip, "EIP: frozen before the WAIT");
        assertHex(0x8084, r.state().gpr[EAX] & 0x80ff, "FSW");
    }

    /** FXSAVE needs a 16-byte aligned operand: #GP(0) otherwise (SDM Vol. 2A, FXSAVE "Protected Mode Exceptions"). */
    @Test
    void fxsaveToAnUnalignedAddressRaisesGeneralProtection() {
        TestRun r = faulting("0F AE 05 08 00 03 00", 0); // fxsave [0x30008]
        assertException(r, GP, 0, after(0));
    }
}
