package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Asm.ESP;
import static dev.hyperbundle.testkit.suite.Eflags.FIXED;
import static dev.hyperbundle.testkit.suite.Eflags.NT;
import static dev.hyperbundle.testkit.suite.SystemTables.CODE_RX;
import static dev.hyperbundle.testkit.suite.SystemTables.DATA_RW;
import static dev.hyperbundle.testkit.suite.SystemTables.PRESENT;
import static dev.hyperbundle.testkit.suite.SystemTables.TSS32;
import static dev.hyperbundle.testkit.suite.SystemTables.TSS32_BUSY;
import static dev.hyperbundle.testkit.suite.SystemTables.TSS_EFLAGS;
import static dev.hyperbundle.testkit.suite.SystemTables.TSS_EIP;
import static dev.hyperbundle.testkit.suite.SystemTables.TSS_LINK;
import static dev.hyperbundle.testkit.suite.SystemTables.callGate;
import static dev.hyperbundle.testkit.suite.SystemTables.flat;
import static dev.hyperbundle.testkit.suite.SystemTables.taskGate;
import static dev.hyperbundle.testkit.suite.SystemTables.tssGpr;
import static dev.hyperbundle.testkit.suite.SystemTables.tssSeg;
import static dev.hyperbundle.testkit.suite.UserMode.ESP0;
import static dev.hyperbundle.testkit.suite.UserMode.USER_BODY;
import static dev.hyperbundle.testkit.suite.UserMode.USER_CS;
import static dev.hyperbundle.testkit.suite.UserMode.USER_SS;
import static dev.hyperbundle.testkit.suite.UserMode.USER_STACK;

import dev.hyperbundle.cpu.Segment;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Call gates, task gates and hardware task switches, and privilege levels 1 and 2 (SDM Vol. 3A, 5.8
 * "Privilege Level Checking When Transferring Program Control Between Code Segments", chapter 7 "Task
 * Management"). The guests use {@link UserMode}'s GDT (ring-0 and ring-3 segments, TSS A current and busy at
 * {@link UserMode#TSS_SELECTOR}) extended by a second TSS, ring-1 code and data and the test's descriptors from
 * {@link #GATE} on. Handlers write what they see to {@link #REC}.
 */
public abstract class GateSuite extends BackendSuite {
    static final int GP = 13, NP = 11, UD = 6, DF = 8, TS = 10;
    /** GDT after UserMode's ten: TSS B, ring-1 code and data, then the test's descriptors (GATE, GATE + 8, ...). */
    static final int TSS_A_SEL = UserMode.TSS_SELECTOR, TSS_B_SEL = 0x50, RING1_CS = 0x58 | 1, RING1_SS = 0x60 | 1,
            GATE = 0x68;
    static final int TSS_A = UserMode.TSS, TSS_B = 0x5200;
    /** Ring-1 stack of TSS A (SS1:ESP1), the ring-1 code's own stack, task B's stack. */
    static final int ESP1 = 0x6f000, RING1_STACK = 0x68000, TASK_B_STACK = 0x70000;
    /** Code: task B, the gate handlers, ring-1 code. */
    static final int TASK_B_CODE = 0x11000, HANDLER = 0x11800, RING1_CODE = 0x13000;
    /** Where handlers record: [0] ESP, [4] CS, [8] SS, [0x10..0x24] the top six dwords of their stack. */
    static final int REC = DATA;
    /** Task B's registers in its TSS. */
    static final int B_EAX = 0xb0b0b0b0, B_EBX = 0xb1b1b1b1;

    private static final long[] USER_MODE_GDT = {0, 0x00cf9b000000ffffL, 0x00cf93000000ffffL, 0x00009b000000ffffL,
        0x000093000000ffffL, flat(CODE_RX, 0), flat(DATA_RW, 0), flat(CODE_RX, 3), flat(DATA_RW, 3),
        SystemTables.tss(TSS_A, 0x67, true)};

    /** TSS A: the current task; SS0:ESP0 as in UserMode, SS1:ESP1 for ring 1. */
    private static byte[] tssA() {
        return new SystemTables.Tss32().stack(0, TestGuest.DATA32, ESP0).stack(1, RING1_SS, ESP1).bytes();
    }

    /** TSS B: a ring-0 task at TASK_B_CODE with flat kit segments, its own stack and EAX, EBX of its own. */
    private static SystemTables.Tss32 tssB() {
        int d = TestGuest.DATA32;
        return new SystemTables.Tss32().stack(0, d, ESP0).eip(TASK_B_CODE).eflags(FIXED).gpr(EAX, B_EAX).gpr(EBX, B_EBX)
                .gpr(ESP, TASK_B_STACK).segments(d, TestGuest.CODE32, d, d, d, d);
    }

    /** The guest with this suite's GDT (and {@code descriptors} from GATE on), TSS A as TR, TSS B. */
    private static TestGuest tables(TestGuest g, long... descriptors) {
        long[] all = Arrays.copyOf(USER_MODE_GDT, 13 + descriptors.length);
        all[10] = SystemTables.tss(TSS_B, 0x67, false);
        all[11] = flat(CODE_RX, 1);
        all[12] = flat(DATA_RW, 1);
        System.arraycopy(descriptors, 0, all, 13, descriptors.length);
        byte[] gdt = SystemTables.table(all);
        return g.load(TestGuest.GDT, gdt).load(TSS_A, tssA()).load(TSS_B, tssB().bytes())
                .state(s -> {
                    s.gdtLimit = gdt.length - 1;
                    s.tr.set(new Segment(TSS_A_SEL, TSS_A, 0x67, TSS32_BUSY | Segment.P));
                });
    }

    /** Ring-0 code at CODE (then HLT) with the recording IDT, this suite's tables and {@code descriptors}. */
    private static TestGuest ring0(Asm code, long... descriptors) {
        return tables(recording(code), descriptors);
    }

    /** Ring-3 code at USER_BODY (entered with SYSEXIT, ESP = USER_STACK, DS = ES = USER_SS). */
    private static TestGuest ring3(Asm code, long... descriptors) {
        return tables(UserMode.guest(setup(0), UserMode.Entry.SYSEXIT, FIXED, code, null), descriptors);
    }

    /**
     * A handler at HANDLER that records ESP, CS, SS and the top six dwords of its stack at REC (through DS) and
     * then runs {@code tail} (e.g. "CA 08 00" for RETF 8).
     */
    private static byte[] recorder(String tail) {
        Asm a = new Asm(HANDLER).b(0x89, 0x25).d(REC) // mov [REC], esp
                .x("8C C8").b(0xA3).d(REC + 4) // mov eax, cs; mov [REC+4], eax
                .x("8C D0").b(0xA3).d(REC + 8); // mov eax, ss; mov [REC+8], eax
        for (int i = 0; i < 6; i++) {
            a.x("8B 44 24").b(4 * i).b(0xA3).d(REC + 0x10 + 4 * i); // mov eax, [esp+4i]; mov [REC+0x10+4i], eax
        }
        return a.x(tail).bytes();
    }

    private static int recorded(TestRun r, int i) {
        return r.read32(REC + 0x10 + 4 * i);
    }

    /** CALL FAR selector:offset (9A) or JMP FAR (EA). */
    private static Asm far(Asm a, int opcode, int selector, int offset) {
        return a.b(opcode).d(offset).w(selector);
    }

    /** The type field (busy bit included) of a GDT descriptor in the final memory. */
    private static int descriptorType(TestRun r, int selector) {
        return r.read8(TestGuest.GDT + (selector & ~7) + 5) & 0xf;
    }

    // ---- probes for host adapters --------------------------------------------------------------------------

    /**
     * For a {@link SuiteHost} that checks its host before trusting it with this suite: ring-3 code does a far CALL
     * through a DPL-3 call gate to ring-0 code that halts. On a correct CPU the run ends halted at ring 0 and the
     * recording IDT saw nothing ({@link FaultRecorder#count} 0).
     */
    public static TestGuest userModeCallGateProbe() {
        Asm user = far(new Asm(USER_BODY), 0x9A, GATE | 3, 0);
        return ring3(user, callGate(TestGuest.CODE32, HANDLER, 0, 3)).load(HANDLER, new Asm(HANDLER).x("FA").hlt().bytes());
    }

    /**
     * For a {@link SuiteHost}: UD2 in ring 0 with IDT entry 6 a task gate to TSS B, whose code halts. On a correct CPU
     * the run ends in task B: TR = {@link #PROBE_TASK}.
     */
    public static TestGuest exceptionTaskGateProbe() {
        TestGuest g = ring0(new Asm().x("0F 0B"));
        return FaultRecorder.gate(g, UD, taskGate(TSS_B_SEL, 0)).load(TASK_B_CODE, new Asm(TASK_B_CODE).hlt().bytes());
    }

    /** The TR selector after {@link #exceptionTaskGateProbe} on a correct CPU. */
    public static final int PROBE_TASK = TSS_B_SEL;

    // ---- call gates ---------------------------------------------------------------------------------------

    /**
     * SDM Vol. 3A, 5.8.5 "Stack Switching" and figure 5-13: a far CALL from ring 3 through a DPL-3 call gate to
     * ring-0 code switches to the TSS's SS0:ESP0 and pushes the caller's SS, ESP, the gate's 2 parameters
     * (copied from the caller's stack, in order), CS and EIP; RETF 8 (5.8.6) returns to ring 3 releasing them.
     */
    @Test
    void callGateFromRing3ToRing0SwitchesToTheTssStackAndCopiesParameters() {
        Asm user = new Asm(USER_BODY).x("68").d(0x22222222).x("68").d(0x11111111); // push 0x22222222; push 0x11111111
        far(user, 0x9A, GATE | 3, 0); // call far GATE:0 (the offset is the gate's)
        int back = user.here();
        user.x("8C C8 89 E6 CD 80"); // mov eax, cs; mov esi, esp; int 0x80
        TestRun r = run(ring3(user, callGate(TestGuest.CODE32, HANDLER, 2, 3)).load(HANDLER, recorder("CA 08 00")));
        assertUserException(r, 0x80, NO_ERROR_CODE, back + 6, USER_STACK);
        assertHex(ESP0 - 24, r.read32(REC), "handler ESP: ESP0 less six dwords");
        assertHex(TestGuest.CODE32, r.read32(REC + 4) & 0xffff, "handler CS");
        assertHex(TestGuest.DATA32, r.read32(REC + 8) & 0xffff, "handler SS: the TSS's SS0");
        assertHex(back, recorded(r, 0), "pushed EIP");
        assertHex(USER_CS, recorded(r, 1) & 0xffff, "pushed CS");
        assertHex(0x11111111, recorded(r, 2), "parameter 1");
        assertHex(0x22222222, recorded(r, 3), "parameter 2");
        assertHex(USER_STACK - 8, recorded(r, 4), "pushed ESP: the caller's");
        assertHex(USER_SS, recorded(r, 5) & 0xffff, "pushed SS");
        assertHex(USER_CS, r.state().gpr[EAX] & 0xffff, "CS after RETF 8");
        assertRegs(r, ESI, USER_STACK); // the caller's ESP + 8
    }

    /** SDM Vol. 3A, 5.8.5: the new stack is the TSS's SSn:ESPn of the target level, here ring 1 (SS1:ESP1). */
    @Test
    void callGateFromRing3ToRing1UsesTheTssRing1Stack() {
        Asm user = new Asm(USER_BODY).x("68").d(0x33333333); // push 0x33333333
        far(user, 0x9A, GATE | 3, 0);
        int back = user.here();
        user.x("8C C8 89 E6 CD 80"); // mov eax, cs; mov esi, esp; int 0x80
        TestRun r = run(ring3(user, callGate(RING1_CS, HANDLER, 1, 3)).load(HANDLER, recorder("CA 04 00"))); // retf 4
        assertUserException(r, 0x80, NO_ERROR_CODE, back + 6, USER_STACK);
        assertHex(ESP1 - 20, r.read32(REC), "handler ESP: ESP1 less five dwords");
        assertHex(RING1_CS, r.read32(REC + 4) & 0xffff, "handler CS: ring 1");
        assertHex(RING1_SS, r.read32(REC + 8) & 0xffff, "handler SS: the TSS's SS1");
        assertHex(back, recorded(r, 0), "pushed EIP");
        assertHex(USER_CS, recorded(r, 1) & 0xffff, "pushed CS");
        assertHex(0x33333333, recorded(r, 2), "parameter");
        assertHex(USER_STACK - 4, recorded(r, 3), "pushed ESP");
        assertHex(USER_SS, recorded(r, 4) & 0xffff, "pushed SS");
        assertRegs(r, ESI, USER_STACK);
    }

    /** SDM Vol. 3A, 5.8.5: a call gate to the same privilege level does not switch stacks or copy parameters. */
    @Test
    void callGateAtTheSamePrivilegeLevelPushesOnlyCsAndEip() {
        Asm a = new Asm().x("68").d(0x22222222).x("68").d(0x11111111);
        far(a, 0x9A, GATE, 0xdead); // call far GATE:0xdead
        int back = a.here();
        a.x("89 E6"); // mov esi, esp
        TestRun r = exec(ring0(a, callGate(TestGuest.CODE32, HANDLER, 2, 0)).load(HANDLER, recorder("CB"))); // retf
        assertHex(STACK_TOP - 16, r.read32(REC), "handler ESP: CS and EIP pushed on the caller's stack");
        assertHex(TestGuest.CODE32, r.read32(REC + 4) & 0xffff, "handler CS");
        assertHex(TestGuest.DATA32, r.read32(REC + 8) & 0xffff, "handler SS: unchanged");
        assertHex(back, recorded(r, 0), "pushed EIP");
        assertHex(TestGuest.CODE32, recorded(r, 1) & 0xffff, "pushed CS");
        assertHex(0x11111111, recorded(r, 2), "the caller's parameters, where it pushed them");
        assertHex(0x22222222, recorded(r, 3), "the caller's parameters, where it pushed them");
        assertRegs(r, ESI, STACK_TOP - 8);
        assertHex(back + 3, r.state().eip, "EIP after the HLT");
    }

    /**
     * SDM Vol. 3A, 5.8.5: a call gate to a conforming code segment does not change CPL (CS.RPL stays 3), so there
     * is no stack switch and nothing but CS and EIP is pushed.
     */
    @Test
    void callGateFromRing3ToConformingCodeKeepsCpl3() {
        Asm user = new Asm(USER_BODY).x("68").d(0x11111111); // push 0x11111111
        far(user, 0x9A, GATE | 3, 0);
        int back = user.here();
        user.x("89 E6 CD 80"); // mov esi, esp; int 0x80
        long conforming = flat(CODE_RX | 4, 0);
        TestRun r = run(ring3(user, callGate(GATE + 8, HANDLER, 1, 3), conforming).load(HANDLER, recorder("CB"))); // retf
        assertUserException(r, 0x80, NO_ERROR_CODE, back + 4, USER_STACK - 4);
        assertHex(USER_STACK - 12, r.read32(REC), "handler ESP: the caller's stack, CS and EIP pushed");
        assertHex(GATE + 8 | 3, r.read32(REC + 4) & 0xffff, "handler CS: the conforming segment at CPL 3");
        assertHex(USER_SS, r.read32(REC + 8) & 0xffff, "handler SS: unchanged");
        assertHex(back, recorded(r, 0), "pushed EIP");
        assertHex(USER_CS, recorded(r, 1) & 0xffff, "pushed CS");
        assertHex(0x11111111, recorded(r, 2), "the caller's parameter, not copied");
        assertRegs(r, ESI, USER_STACK - 4);
    }

    /** SDM Vol. 3A, 5.8.4 "Accessing a Code Segment Through a Call Gate": JMP through a gate pushes nothing. */
    @Test
    void farJumpThroughACallGateGoesToTheGateEntryAndPushesNothing() {
        Asm a = new Asm().mov(ESI, 0x5a5a5a5a);
        far(a, 0xEA, GATE, 0xdead); // jmp far GATE:0xdead
        TestRun r = exec(ring0(a, callGate(TestGuest.CODE32, HANDLER, 2, 0)).load(HANDLER, recorder("F4"))); // hlt
        assertHalted(r);
        assertHex(STACK_TOP, r.read32(REC), "handler ESP: nothing pushed");
        assertHex(TestGuest.CODE32, r.read32(REC + 4) & 0xffff, "handler CS");
        assertHex(HANDLER + recorder("F4").length, r.state().eip, "EIP after the handler's HLT");
        assertRegs(r, ESI, 0x5a5a5a5a);
    }

    /** SDM Vol. 3A, 5.8.4: CPL must be <= the gate's DPL, else #GP with the gate's selector as error code. */
    @Test
    void callGateWithDplBelowCplRaisesGeneralProtection() {
        Asm user = new Asm(USER_BODY);
        far(user, 0x9A, GATE | 3, 0);
        TestRun r = run(ring3(user, callGate(TestGuest.CODE32, HANDLER, 0, 0)).load(HANDLER, recorder("F4")));
        assertUserException(r, GP, GATE, USER_BODY, USER_STACK);
        assertHex(0, r.read32(REC + 4), "the handler did not run");
    }

    /** SDM Vol. 3A, 5.8.4: the selector's RPL must also be <= the gate's DPL (#GP(gate selector)). */
    @Test
    void callGateWithRplAboveItsDplRaisesGeneralProtection() {
        Asm a = far(new Asm(), 0x9A, GATE | 3, 0);
        TestRun r = exec(ring0(a, callGate(TestGuest.CODE32, HANDLER, 0, 0)));
        assertException(r, GP, GATE, CODE);
    }

    /** SDM Vol. 2A, CALL, Operation (CALL-GATE): a gate that is not present raises #NP(gate selector). */
    @Test
    void notPresentCallGateRaisesSegmentNotPresent() {
        Asm a = far(new Asm(), 0x9A, GATE, 0);
        TestRun r = exec(ring0(a, callGate(TestGuest.CODE32, HANDLER, 0, 0) & ~PRESENT));
        assertException(r, NP, GATE, CODE);
        assertHex(STACK_TOP - 16, FaultRecorder.esp(r), "nothing pushed before the fault");
    }

    /** SDM Vol. 2A, CALL, Operation (CALL-GATE): a not-present target code segment raises #NP(code selector). */
    @Test
    void callGateToANotPresentCodeSegmentRaisesSegmentNotPresent() {
        Asm a = far(new Asm(), 0x9A, GATE, 0);
        TestRun r = exec(ring0(a, callGate(GATE + 8, HANDLER, 0, 0), flat(CODE_RX, 0) & ~PRESENT));
        assertException(r, NP, GATE + 8, CODE);
    }

    /** SDM Vol. 3A, 5.8.4: a CALL through a gate may not go to a less privileged (DPL > CPL) code segment. */
    @Test
    void callGateToALessPrivilegedCodeSegmentRaisesGeneralProtection() {
        Asm a = far(new Asm(), 0x9A, GATE, 0);
        TestRun r = exec(ring0(a, callGate(USER_CS, HANDLER, 0, 0)));
        assertException(r, GP, USER_CS & ~3, CODE);
    }

    /** SDM Vol. 3A, 5.8.4 (table 5-2 rules for JMP): a JMP through a gate to non-conforming code needs DPL = CPL. */
    @Test
    void farJumpThroughACallGateToMorePrivilegedCodeRaisesGeneralProtection() {
        Asm user = new Asm(USER_BODY);
        far(user, 0xEA, GATE | 3, 0);
        TestRun r = run(ring3(user, callGate(TestGuest.CODE32, HANDLER, 0, 3)).load(HANDLER, recorder("F4")));
        assertUserException(r, GP, TestGuest.CODE32, USER_BODY, USER_STACK);
    }

    // ---- task switches --------------------------------------------------------------------------------------

    /**
     * Task B's code for the tests that come back: records TR, EFLAGS, the high dwords of both TSS descriptors,
     * CR0 and ESP at REC, loads EAX, then runs {@code tail}; HLT after it.
     */
    private static Asm taskBRecorder(int... tail) {
        return new Asm(TASK_B_CODE).x("0F 00 C9").b(0x89, 0x0D).d(REC) // str ecx; mov [REC], ecx
                .x("9C 58").b(0xA3).d(REC + 4) // pushfd; pop eax; mov [REC+4], eax
                .b(0xA1).d(TestGuest.GDT + TSS_A_SEL + 4).b(0xA3).d(REC + 8) // TSS A descriptor, high dword
                .b(0xA1).d(TestGuest.GDT + TSS_B_SEL + 4).b(0xA3).d(REC + 12) // TSS B descriptor, high dword
                .x("0F 20 C0").b(0xA3).d(REC + 16) // mov eax, cr0; mov [REC+16], eax
                .b(0x89, 0x25).d(REC + 20) // mov [REC+20], esp
                .mov(EAX, 0xb2b2b2b2).b(tail);
    }

    private static int typeOf(int descriptorHigh) {
        return descriptorHigh >>> 8 & 0xf;
    }

    /**
     * SDM Vol. 3A, 7.3 "Task Switching", 7.4 "Task Linking" and 7.6 (table 7-2): INT n through a task gate in the
     * IDT saves the old task in its TSS, links the new TSS back to it, sets NT and both busy bits; IRET with NT
     * set returns to the old task, clears the new task's busy bit and saves it with NT clear.
     */
    @Test
    void softwareInterruptThroughATaskGateSwitchesTasksAndIretReturns() {
        Asm a = new Asm().mov(EAX, 0xa0a0a0a0).mov(EBX, 0xa1a1a1a1).x("CD 40"); // int 0x40
        int back = a.here();
        a.x("0F 00 C9 9C 5A"); // str ecx; pushfd; pop edx
        int end = a.here();
        Asm b = taskBRecorder(0xCF); // iretd
        int afterIret = b.here();
        TestGuest g = FaultRecorder.gate(ring0(a), 0x40, taskGate(TSS_B_SEL, 0)).load(TASK_B_CODE, b.hlt().bytes());
        TestRun r = exec(g);
        // in task B
        assertHex(TSS_B_SEL, r.read32(REC) & 0xffff, "TR in task B");
        assertHex(NT, r.read32(REC + 4) & NT, "NT in task B");
        assertHex(TSS32_BUSY, typeOf(r.read32(REC + 8)), "TSS A descriptor in task B: busy");
        assertHex(TSS32_BUSY, typeOf(r.read32(REC + 12)), "TSS B descriptor in task B: busy");
        assertHex(8, r.read32(REC + 16) & 8, "CR0.TS in task B");
        assertHex(TASK_B_STACK, r.read32(REC + 20), "ESP in task B: its TSS's, no error code");
        assertMem32(r, TSS_A + TSS_EIP, back);
        assertMem32(r, TSS_A + tssGpr(EAX), 0xa0a0a0a0);
        assertMem32(r, TSS_A + tssGpr(EBX), 0xa1a1a1a1);
        assertMem16(r, TSS_B + TSS_LINK, TSS_A_SEL);
        // back in task A
        assertHex(TSS_A_SEL, r.state().tr.selector, "TR after IRET");
        assertRegs(r, EAX, 0xa0a0a0a0, EBX, 0xa1a1a1a1, ECX, TSS_A_SEL);
        assertHex(0, r.state().gpr[EDX] & NT, "NT after IRET");
        assertHex(TSS32, descriptorType(r, TSS_B_SEL), "TSS B descriptor after IRET: not busy");
        assertHex(TSS32_BUSY, descriptorType(r, TSS_A_SEL), "TSS A descriptor after IRET: busy");
        assertMem32(r, TSS_B + TSS_EIP, afterIret); // task B was saved at the instruction after its IRET
        assertMem32(r, TSS_B + tssGpr(EAX), 0xb2b2b2b2);
        assertHex(0, r.read32(TSS_B + TSS_EFLAGS) & NT, "NT in task B's saved EFLAGS: cleared by the IRET");
        assertHex(end + 1, r.state().eip, "EIP after task A's HLT");
    }

    /**
     * SDM Vol. 3A, 6.12.2 "Interrupt Tasks" and 7.3: a #DF through a task gate (Linux's double-fault task) runs
     * the new task with the error code 0 pushed on its stack; the old task is saved at the faulting instruction.
     */
    @Test
    void doubleFaultThroughATaskGatePushesTheErrorCodeOnTheNewTaskStack() {
        Asm a = new Asm().mov(EAX, 0xa0a0a0a0);
        int ud2 = a.here();
        a.x("0F 0B"); // ud2: #UD's gate not present: #NP; #NP's gate not present: #DF
        Asm b = new Asm(TASK_B_CODE).x("0F 00 C9 5A"); // str ecx; pop edx (the error code)
        TestGuest g = ring0(a);
        g = FaultRecorder.gate(g, UD, ExceptionSuite.notPresent(UD));
        g = FaultRecorder.gate(g, NP, ExceptionSuite.notPresent(NP));
        g = FaultRecorder.gate(g, DF, taskGate(TSS_B_SEL, 0)).load(TASK_B_CODE, b.hlt().bytes());
        TestRun r = exec(g);
        assertHex(TSS_B_SEL, r.state().tr.selector, "TR");
        assertRegs(r, ECX, TSS_B_SEL, EDX, 0, ESP, TASK_B_STACK, EAX, B_EAX);
        assertHex(0, FaultRecorder.count(r), "no handler of the recording IDT ran");
        assertMem32(r, TSS_A + TSS_EIP, ud2);
        assertMem32(r, TSS_A + tssGpr(EAX), 0xa0a0a0a0);
        assertMem16(r, TSS_B + TSS_LINK, TSS_A_SEL);
        assertHex(NT, r.state().eflags & NT, "NT");
    }

    /**
     * SDM Vol. 3A, 7.3 and table 7-2: a far JMP to a TSS descriptor clears the old task's busy bit, leaves the
     * previous-task link alone and loads NT from the new TSS; a JMP back to the old TSS resumes it after its JMP.
     */
    @Test
    void farJumpToATssSwitchesTasksWithoutLinking() {
        Asm a = new Asm().flags(FIXED | NT).mov(EAX, 0xa0a0a0a0);
        far(a, 0xEA, TSS_B_SEL, 0); // jmp far TSS_B:0
        int back = a.here();
        a.x("0F 00 CA 9C 5B"); // str edx; pushfd; pop ebx
        int end = a.here();
        Asm b = taskBRecorder();
        far(b, 0xEA, TSS_A_SEL, 0); // jmp far TSS_A:0
        int bBack = b.here();
        TestRun r = exec(ring0(a).load(TASK_B_CODE, b.hlt().bytes()));
        // in task B
        assertHex(TSS_B_SEL, r.read32(REC) & 0xffff, "TR in task B");
        assertHex(0, r.read32(REC + 4) & NT, "NT in task B: from its TSS");
        assertHex(TSS32, typeOf(r.read32(REC + 8)), "TSS A descriptor in task B: not busy");
        assertHex(TSS32_BUSY, typeOf(r.read32(REC + 12)), "TSS B descriptor in task B: busy");
        assertHex(TASK_B_STACK, r.read32(REC + 20), "ESP in task B");
        assertMem16(r, TSS_B + TSS_LINK, 0);
        assertMem16(r, TSS_A + TSS_LINK, 0);
        assertHex(NT, r.read32(TSS_A + TSS_EFLAGS) & NT, "task A's saved EFLAGS: NT unchanged");
        // back in task A
        assertHex(TSS_A_SEL, r.state().tr.selector, "TR");
        assertRegs(r, EAX, 0xa0a0a0a0, EDX, TSS_A_SEL);
        assertHex(NT, r.state().gpr[EBX] & NT, "NT in task A: its own again");
        assertHex(TSS32_BUSY, descriptorType(r, TSS_A_SEL), "TSS A descriptor: busy");
        assertHex(TSS32, descriptorType(r, TSS_B_SEL), "TSS B descriptor: not busy");
        assertMem32(r, TSS_A + TSS_EIP, back);
        assertMem32(r, TSS_B + TSS_EIP, bBack);
        assertHex(end + 1, r.state().eip, "EIP after task A's HLT");
    }

    /**
     * SDM Vol. 3A, 7.3 (step 12: the new task's EFLAGS, with VM = 1, loaded before its segment registers) and Vol. 3B,
     * 20.2.5: a task switch to a TSS whose EFLAGS has VM set enters virtual-8086 mode, its segment selectors taken
     * as real-mode paragraphs at CPL 3. Its HLT is privileged there: the #GP(0) reaches the ring-0 handler on the new
     * TSS's SS0:ESP0 with the virtual-8086 frame (error code, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS; 20.3.1.1).
     */
    @Test
    void farJumpToATssWithVmSetEntersVirtual8086Mode() {
        int cs = 0x2000, ss = 0x5000, sp = 0x8000, es = 0x3100, ds = 0x3000, fs = 0x3200, gs = 0x3300;
        Asm a = far(new Asm(), 0xEA, TSS_B_SEL, 0); // jmp far TSS_B:0
        Asm v86 = new Asm(cs << 4).x("8C DB").hlt(); // mov bx, ds; hlt
        byte[] tss = new SystemTables.Tss32().stack(0, TestGuest.DATA32, ESP0).eip(0).eflags(FIXED | Eflags.VM)
                .gpr(ESP, sp).segments(es, cs, ss, ds, fs, gs).bytes();
        TestRun r = exec(ring0(a).load(TSS_B, tss).load(cs << 4, v86.bytes()));
        assertHex(GP, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(1, FaultRecorder.count(r), "events");
        assertHex(TSS_B_SEL, r.state().tr.selector, "TR: the new task's");
        assertHex(ds, r.state().gpr[EBX] & 0xffff, "DS in virtual-8086 mode");
        assertHex(ESP0 - 40, FaultRecorder.esp(r), "handler ESP: the new TSS's ESP0 less ten dwords");
        int[] expected = {0, 2, cs, -1, sp, ss, es, ds, fs, gs};
        for (int i = 0; i < expected.length; i++) {
            int v = r.read32(FaultRecorder.esp(r) + 4 * i);
            if (i == 3) {
                assertHex(Eflags.VM, v & Eflags.VM, "pushed EFLAGS: VM");
            } else {
                assertHex(expected[i], i == 1 || i == 4 || i == 0 ? v : v & 0xffff, "frame dword " + i);
            }
        }
    }

    /** SDM Vol. 3A, 7.3 and table 7-2: a far CALL to a TSS sets the back link, NT and both busy bits. */
    @Test
    void farCallToATssSwitchesTasksAndLinksBack() {
        Asm a = new Asm().flags(FIXED | Eflags.CF | Eflags.ZF).mov(EAX, 0xa0a0a0a0);
        far(a, 0x9A, TSS_B_SEL, 0); // call far TSS_B:0
        int back = a.here();
        TestRun r = exec(ring0(a).load(TASK_B_CODE, new Asm(TASK_B_CODE).hlt().bytes()));
        assertHex(TSS_B_SEL, r.state().tr.selector, "TR");
        assertRegs(r, EAX, B_EAX, EBX, B_EBX, ESP, TASK_B_STACK);
        assertHex(TASK_B_CODE + 1, r.state().eip, "EIP after task B's HLT");
        assertHex(NT, r.state().eflags & NT, "NT in task B");
        assertHex(8, r.state().cr0 & 8, "CR0.TS");
        assertMem16(r, TSS_B + TSS_LINK, TSS_A_SEL);
        assertMem32(r, TSS_A + TSS_EIP, back);
        assertMem32(r, TSS_A + tssGpr(EAX), 0xa0a0a0a0);
        assertMem32(r, TSS_A + tssGpr(ESP), STACK_TOP); // nothing pushed by a task switch
        assertMem32(r, TSS_A + TSS_EFLAGS, FIXED | Eflags.CF | Eflags.ZF);
        assertMem16(r, TSS_A + tssSeg(X86CpuState.CS), TestGuest.CODE32);
        assertMem16(r, TSS_A + tssSeg(X86CpuState.SS), TestGuest.DATA32);
        assertHex(0, r.state().eflags & Eflags.CF, "CF in task B: from its TSS");
        assertHex(TSS32_BUSY, descriptorType(r, TSS_A_SEL), "TSS A descriptor: busy");
        assertHex(TSS32_BUSY, descriptorType(r, TSS_B_SEL), "TSS B descriptor: busy");
    }

    /**
     * SDM Vol. 3A, 7.3 and 6.12.2: INT n from ring 3 through a DPL-3 task gate runs the ring-0 task B (no stack
     * switch frame: its stack is its TSS's); its IRET reloads task A's saved ring-3 state, CPL 3 from the saved CS.
     */
    @Test
    void taskGateFromRing3AndIretBackToRing3() {
        Asm user = new Asm(USER_BODY).x("8E E0 8E E8").mov(EAX, 0xa0a0a0a0).x("CD 40"); // mov fs, ax; mov gs, ax; int 0x40
        int back = user.here();
        user.x("8C C8 8C D3 89 E6 CD 80"); // mov eax, cs; mov ebx, ss; mov esi, esp; int 0x80
        Asm b = taskBRecorder(0xCF); // iretd
        TestGuest g = FaultRecorder.gate(ring3(user), 0x40, taskGate(TSS_B_SEL, 3)).load(TASK_B_CODE, b.hlt().bytes());
        TestRun r = run(g);
        assertUserException(r, 0x80, NO_ERROR_CODE, back + 8, USER_STACK);
        assertHex(TSS_B_SEL, r.read32(REC) & 0xffff, "TR in task B");
        assertHex(TASK_B_STACK, r.read32(REC + 20), "ESP in task B");
        assertMem32(r, TSS_A + TSS_EIP, back);
        assertMem32(r, TSS_A + tssGpr(EAX), 0xa0a0a0a0);
        assertMem32(r, TSS_A + tssGpr(ESP), USER_STACK);
        assertMem16(r, TSS_A + tssSeg(X86CpuState.CS), USER_CS);
        assertMem16(r, TSS_A + tssSeg(X86CpuState.SS), USER_SS);
        assertHex(USER_CS, r.state().gpr[EAX] & 0xffff, "CS back in task A");
        assertHex(USER_SS, r.state().gpr[EBX] & 0xffff, "SS back in task A");
        assertRegs(r, ESI, USER_STACK);
        assertHex(TSS32, descriptorType(r, TSS_B_SEL), "TSS B descriptor: not busy");
    }

    /** SDM Vol. 3A, 7.3 (step 4) and 7.2.2: a TSS descriptor with a limit below 0x67 raises #TS(selector). */
    @Test
    void farCallToATssWithTooSmallALimitRaisesInvalidTss() {
        TestGuest g = ring0(far(new Asm().mov(EAX, 0xa0a0a0a0), 0x9A, TSS_B_SEL, 0))
                .load(TestGuest.GDT + TSS_B_SEL, SystemTables.table(SystemTables.tss(TSS_B, 0x66, false)));
        TestRun r = exec(g);
        assertException(r, TS, TSS_B_SEL, CODE + 5);
        assertHex(TSS_A_SEL, r.state().tr.selector, "TR");
        assertMem32(r, TSS_A + TSS_EIP, 0); // task A was not saved
        assertMem16(r, TSS_B + TSS_LINK, 0);
        assertHex(TSS32, descriptorType(r, TSS_B_SEL), "TSS B descriptor: not busy");
    }

    /** SDM Vol. 3A, 7.3 "Task Switching": a JMP through a task gate in the GDT switches to the gate's TSS. */
    @Test
    void farJumpThroughATaskGateInTheGdtSwitchesTasks() {
        Asm a = new Asm().mov(EAX, 0xa0a0a0a0);
        far(a, 0xEA, GATE, 0);
        TestRun r = exec(ring0(a, taskGate(TSS_B_SEL, 0)).load(TASK_B_CODE, new Asm(TASK_B_CODE).hlt().bytes()));
        assertHex(TSS_B_SEL, r.state().tr.selector, "TR");
        assertRegs(r, EAX, B_EAX);
        assertHex(0, r.state().eflags & NT, "NT in task B");
        assertHex(TSS32, descriptorType(r, TSS_A_SEL), "TSS A descriptor: not busy");
        assertHex(TSS32_BUSY, descriptorType(r, TSS_B_SEL), "TSS B descriptor: busy");
        assertMem16(r, TSS_B + TSS_LINK, 0);
    }

    /** SDM Vol. 3A, 7.3 (step 2, table 7-2): a CALL to a busy TSS (here the current one) raises #GP(selector). */
    @Test
    void farCallToABusyTssRaisesGeneralProtection() {
        TestRun r = exec(ring0(far(new Asm(), 0x9A, TSS_A_SEL, 0)));
        assertException(r, GP, TSS_A_SEL, CODE);
        assertHex(TSS_A_SEL, r.state().tr.selector, "TR");
    }

    // ---- rings 1 and 2 --------------------------------------------------------------------------------------

    /**
     * SDM Vol. 3A, 5.5 and 6.12.1: IRET to ring-1 code with a DPL-1 stack, nulling the DPL-0 data segments
     * (SDM Vol. 2A, IRET, RETURN-TO-OUTER-PRIVILEGE-LEVEL); an interrupt from ring 1 switches to SS0:ESP0.
     */
    @Test
    void iretToRing1AndAnInterruptBackOnTheRing0Stack() {
        Asm a = new Asm().x("6A").b(RING1_SS).x("68").d(RING1_STACK).x("68").d(FIXED).x("6A").b(RING1_CS)
                .x("68").d(RING1_CODE).x("CF"); // push ss; push esp; push eflags; push cs; push eip; iretd
        Asm ring1 = new Asm(RING1_CODE).x("8C C8 8C D3 89 E6 8C D9 8C C2 CD 80"); // mov eax, cs; mov ebx, ss; mov esi, esp;
        // mov ecx, ds; mov edx, es; int 0x80
        TestGuest g = tables(FaultRecorder.install(pm(a), 0x80)).load(RING1_CODE, ring1.bytes());
        TestRun r = exec(g);
        assertHex(0x80, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(1, FaultRecorder.count(r), "events delivered");
        assertHex(RING1_CODE + ring1.size(), FaultRecorder.stack(r, 0), "pushed EIP");
        assertHex(RING1_CS, FaultRecorder.stack(r, 1) & 0xffff, "pushed CS");
        assertHex(RING1_STACK, FaultRecorder.stack(r, 3), "pushed ESP");
        assertHex(RING1_SS, FaultRecorder.stack(r, 4) & 0xffff, "pushed SS");
        assertHex(ESP0 - 20, FaultRecorder.esp(r), "handler ESP: the TSS's ESP0 less the frame");
        assertHex(TestGuest.CODE32, r.state().seg[1].selector, "CS in the handler");
        assertHex(TestGuest.DATA32, r.state().seg[2].selector, "SS in the handler: the TSS's SS0");
        assertHex(RING1_CS, r.state().gpr[EAX] & 0xffff, "CS in ring 1");
        assertHex(RING1_SS, r.state().gpr[EBX] & 0xffff, "SS in ring 1");
        assertRegs(r, ESI, RING1_STACK);
        assertHex(0, r.state().gpr[ECX] & 0xffff, "DS in ring 1: nulled");
        assertHex(0, r.state().gpr[EDX] & 0xffff, "ES in ring 1: nulled");
    }
}
