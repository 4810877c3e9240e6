package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBP;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Eflags.IF;
import static dev.hyperbundle.testkit.suite.Eflags.IOPL3;
import static dev.hyperbundle.testkit.suite.Eflags.NT;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.VM;
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

/**
 * Virtual-8086 mode without VME (SDM Vol. 3B, chapter 20 "8086 Emulation"): entering it with IRETD from ring
 * 0 (Vol. 2A IRET, RETURN-TO-VIRTUAL-8086-MODE), real-mode addressing at CPL 3, interrupts and exceptions
 * to a ring-0 handler on the TSS's SS0:ESP0 with the segment registers pushed and nulled (20.3.1.1, figure
 * 20-2), IOPL-sensitive instructions (20.2.7), I/O through the TSS bitmap only (20.2.8.1), privileged and
 * protected-mode-only instructions, paging at user level, and a state save and load in the middle.
 *
 * <p>The guests are the {@link UserMode} ones (GDT, TSS with SS0:ESP0 and an optional I/O bitmap, the
 * {@link FaultRecorder}'s IDT with vector 0x80 at DPL 3) whose ring-0 code pushes a virtual-8086 frame and
 * executes IRETD. Most programs end in HLT, which is privileged: its #GP(0) lands in the recorder, whose
 * frame on the ring-0 stack is then checked whole.
 */
public abstract class V86Suite extends BackendSuite {
    static final int GP = 13, UD = 6, SS_FAULT = 12, PF_FAULT = 14;
    static final int FIXED = Eflags.FIXED;
    /** The virtual-8086 code segment (linear 0x20000) and the other segment registers at entry. */
    static final int V86_CS = 0x2000, V86_SS = 0x5000, V86_SP = 0x8000, V86_ES = 0x3100, V86_DS = 0x3000,
            V86_FS = 0x3200, V86_GS = 0x3300;
    static final int V86_CODE = V86_CS << 4, V86_DATA = V86_DS << 4, V86_STACK = V86_SS << 4;
    /** A ring-0 handler that returns with IRETD, and the paging structures. */
    static final int HANDLER = 0x11000, PD = 0x40000, PT = 0x41000;

    // ---- guests -------------------------------------------------------------------------------------

    /** The ring-0 code that enters virtual-8086 mode: the 9-dword IRETD frame, then IRETD. */
    private static Asm enterV86(Asm ring0, int eflags, int ds) {
        int[] frame = {V86_GS, V86_FS, ds, V86_ES, V86_SS, V86_SP, eflags | VM, V86_CS, 0};
        for (int v : frame) {
            ring0.b(0x68).d(v); // push imm32
        }
        return ring0.x("CF"); // iretd
    }

    /** A guest that enters virtual-8086 mode at V86_CS:0 with EFLAGS = eflags | VM and runs v86. */
    private static TestGuest v86Guest(Asm ring0, int eflags, Asm v86, byte[] ioBitmap) {
        return UserMode.guest(enterV86(ring0, eflags, V86_DS), UserMode.Entry.IRET, FIXED, new Asm(UserMode.USER_BODY),
                ioBitmap).load(V86_CODE, v86.bytes());
    }

    private static TestGuest v86Guest(int eflags, Asm v86) {
        return v86Guest(new Asm(), eflags, v86, null);
    }

    private TestRun runV86(int eflags, Asm v86) {
        return run(v86Guest(eflags, v86));
    }

    /** Virtual-8086 code at V86_CS:0. */
    private static Asm code() {
        return new Asm(V86_CODE);
    }

    /** The offset in V86_CS of the next byte of a. */
    private static int ip(Asm a) {
        return a.here() - V86_CODE;
    }

    /** Identity map of the first 4 MiB, user pages, writable, except page {@code special} with {@code flags}. */
    private static byte[] pageTable(int special, int flags) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 1024; i++) {
            b.putInt(i * 4, i << 12 | (i == special ? flags : 7));
        }
        return b.array();
    }

    private static Asm enablePaging() {
        return new Asm().mov(EAX, PD).x("0F 22 D8") // mov cr3, eax
                .x("0F 20 C0 0D").d(0x80000000).x("0F 22 C0"); // mov eax, cr0; or eax, PG; mov cr0, eax
    }

    // ---- assertions -----------------------------------------------------------------------------------

    /** The i-th dword of the frame the event pushed on the ring-0 stack. */
    private static int frame(TestRun r, int i) {
        return r.read32(FaultRecorder.esp(r) + 4 * i);
    }

    /**
     * Exactly one event, from virtual-8086 mode, reached the recorder: its frame on the TSS's ring-0 stack is
     * [error code,] EIP, CS, EFLAGS (VM = 1), ESP, SS, ES, DS, FS, GS (SDM Vol. 3B, figure 20-2), the handler
     * runs with VM = 0 and null data segment registers. Returns the pushed EFLAGS.
     */
    private static int assertV86Event(TestRun r, int vector, int errorCode, int ip, int sp, int... esDsFsGs) {
        assertHalted(r);
        assertHex(vector, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(1, FaultRecorder.count(r), "events delivered");
        int n = errorCode == NO_ERROR_CODE ? 9 : 10;
        assertHex(UserMode.ESP0 - 4 * n, FaultRecorder.esp(r), "handler ESP: the TSS's ESP0 less the frame");
        int i = 0;
        if (errorCode != NO_ERROR_CODE) {
            assertHex(errorCode, frame(r, i++), "error code");
        }
        assertHex(ip, frame(r, i++), "pushed EIP");
        assertHex(V86_CS, frame(r, i++) & 0xffff, "pushed CS");
        int flags = frame(r, i++);
        assertHex(VM, flags & VM, "pushed EFLAGS.VM");
        assertHex(sp, frame(r, i++), "pushed ESP");
        assertHex(V86_SS, frame(r, i++) & 0xffff, "pushed SS");
        int[] sels = esDsFsGs.length == 0 ? new int[] {V86_ES, V86_DS, V86_FS, V86_GS} : esDsFsGs;
        String[] names = {"ES", "DS", "FS", "GS"};
        for (int k = 0; k < 4; k++) {
            assertHex(sels[k], frame(r, i++) & 0xffff, "pushed " + names[k]);
        }
        assertHex(0, FaultRecorder.flags(r) & VM, "VM in the handler");
        for (int s : new int[] {0, 3, 4, 5}) {
            assertHex(0, r.state().seg[s].selector, "data segment register " + s + " in the handler: null");
        }
        assertHex(TestGuest.CODE32, r.state().seg[1].selector, "CS in the handler: the gate's");
        assertHex(TestGuest.DATA32, r.state().seg[2].selector, "SS in the handler: the TSS's SS0");
        return flags;
    }

    // ---- entering virtual-8086 mode -------------------------------------------------------------------

    /** IRETD at CPL 0 with VM = 1 pops EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS (SDM Vol. 2A, IRET). */
    @Test
    void iretdEntersV86ModeWithRealModeSegments() {
        Asm v86 = code().x("8C C8 8C D3 8C D9 8C C2 8C E6 8C EF") // mov ax, cs; mov bx, ss; mov cx, ds; mov dx, es; mov si, fs; mov di, gs
                .x("C7 06 10 00 34 12") // mov word [0x10], 0x1234 (DS)
                .x("68 CD AB") // push 0xabcd (a word: SP - 2)
                .x("64 C6 06 20 00 5A"); // mov byte fs:[0x20], 0x5a
        int hlt = ip(v86);
        TestRun r = runV86(FIXED, v86.hlt());
        assertV86Event(r, GP, 0, hlt, V86_SP - 2);
        assertRegs(r, EAX, V86_CS, EBX, V86_SS, ECX, V86_DS, EDX, V86_ES, ESI, V86_FS, EDI, V86_GS);
        assertMem16(r, V86_DATA + 0x10, 0x1234);
        assertMem16(r, V86_STACK + V86_SP - 2, 0xabcd);
        assertMem8(r, (V86_FS << 4) + 0x20, 0x5a);
    }

    /** The upper halves of the popped selector dwords are ignored (SDM Vol. 2A, IRET: "throw away high-order word"). */
    @Test
    void iretdToV86IgnoresTheUpperHalvesOfTheSelectors() {
        Asm ring0 = enterV86(new Asm(), FIXED, 0xffff0000 | V86_DS);
        Asm v86 = code().x("8C D9 A1 00 00"); // mov cx, ds; mov ax, [0]
        int hlt = ip(v86);
        TestGuest g = UserMode.guest(ring0, UserMode.Entry.IRET, FIXED, new Asm(UserMode.USER_BODY), null)
                .load(V86_CODE, v86.hlt().bytes()).load(V86_DATA, bytes(0x34, 0x12));
        TestRun r = run(g);
        assertV86Event(r, GP, 0, hlt, V86_SP);
        assertHex(V86_DS, r.state().gpr[ECX] & 0xffff, "DS");
        assertHex(0x1234, r.state().gpr[EAX] & 0xffff, "AX from DS:0");
    }

    /** Code runs with 16-bit operand and address size; 66 and 67 select 32 bits (SDM Vol. 3B, 20.2.2). */
    @Test
    void sixteenBitDefaultsWithOperandAndAddressSizePrefixes() {
        Asm v86 = code().x("66 B8").d(0x12345678) // mov eax, 0x12345678
                .x("B8 FF FF 05 01 00") // mov ax, 0xffff; add ax, 1 (16-bit: the upper half stays)
                .x("66 BB").d(0x40).x("66 B9").d(4).x("67 8B 14 8B") // mov ebx, 0x40; mov ecx, 4; mov dx, [ebx+ecx*4]
                .x("66 BE").d(0xfffffffe).x("46"); // mov esi, 0xfffffffe; inc si
        int hlt = ip(v86);
        TestGuest g = v86Guest(FIXED, v86.hlt()).load(V86_DATA + 0x50, bytes(0xef, 0xbe));
        TestRun r = run(g);
        assertV86Event(r, GP, 0, hlt, V86_SP);
        assertRegs(r, EAX, 0x12340000, EDX, 0xbeef, ESI, 0xffffffff, EBX, 0x40, ECX, 4);
    }

    /** MOV/POP to a segment register and far CALL/RETF: base = selector * 16, no descriptors (SDM Vol. 3B, 20.2.1). */
    @Test
    void segmentLoadsAndFarCallsUseSelectorTimesSixteen() {
        Asm v86 = code().x("B8 56 34 8E C0") // mov ax, 0x3456; mov es, ax
                .x("26 C6 06 05 00 77") // mov byte es:[5], 0x77 (linear 0x34565)
                .x("68 00 35 1F") // push 0x3500; pop ds
                .x("C6 06 06 00 88") // mov byte [6], 0x88 (linear 0x35006)
                .x("9A 00 00 10 20"); // call far 0x2010:0000
        int back = ip(v86);
        v86.x("8C CB"); // mov bx, cs
        int hlt = ip(v86);
        byte[] far = new Asm(0x20100).x("8C C9 89 E2 CB").bytes(); // mov cx, cs; mov dx, sp; retf
        TestGuest g = v86Guest(FIXED, v86.hlt()).load(0x20100, far);
        TestRun r = run(g);
        assertV86Event(r, GP, 0, hlt, V86_SP, 0x3456, 0x3500, V86_FS, V86_GS);
        assertMem8(r, 0x34565, 0x77);
        assertMem8(r, 0x35006, 0x88);
        assertHex(0x2010, r.state().gpr[ECX] & 0xffff, "CS in the far procedure");
        assertHex(V86_SP - 4, r.state().gpr[EDX] & 0xffff, "SP there: CS and IP pushed as words");
        assertHex(V86_CS, r.state().gpr[EBX] & 0xffff, "CS after RETF");
        assertMem16(r, V86_STACK + V86_SP - 2, V86_CS);
        assertMem16(r, V86_STACK + V86_SP - 4, back);
    }

    /** The segment limit is 0xFFFF: a word at 0xFFFF raises #GP(0), on the stack #SS(0) (SDM Vol. 3B, 20.2.1). */
    @Test
    void accessesBeyondTheSegmentLimitFault() {
        Asm v86 = code().x("A1 FF FF"); // mov ax, [0xffff]
        assertV86Event(runV86(FIXED, v86), GP, 0, 0, V86_SP);
        Asm stack = code().x("BD FF FF 8B 46 00"); // mov bp, 0xffff; mov ax, [bp+0]
        assertV86Event(runV86(FIXED, stack), SS_FAULT, 0, 3, V86_SP);
    }

    // ---- interrupts and exceptions --------------------------------------------------------------------

    /**
     * INT n with IOPL 3 goes through the IDT to a ring-0 handler on SS0:ESP0 with GS, FS, DS, ES, SS, ESP,
     * EFLAGS, CS, EIP pushed; an interrupt gate clears IF and VM, DS..GS are null (SDM Vol. 3B, 20.3.1.1).
     */
    @Test
    void interruptFromV86PushesTheSegmentRegistersAndNullsThem() {
        Asm v86 = code().x("B8 11 11 CD 80"); // mov ax, 0x1111; int 0x80
        TestRun r = runV86(FIXED | IOPL3 | IF, v86);
        int flags = assertV86Event(r, 0x80, NO_ERROR_CODE, 5, V86_SP);
        assertHex(VM | IOPL3 | IF, flags & (VM | IOPL3 | IF | NT), "pushed EFLAGS");
        assertHex(IOPL3, FaultRecorder.flags(r) & (VM | IOPL3 | IF | NT), "handler EFLAGS: VM and IF cleared");
        assertHex(0x1111, r.state().gpr[EAX] & 0xffff, "AX");
    }

    /** Through a trap gate IF stays set; VM, NT (and TF, RF) are cleared (SDM Vol. 2A, INT n, INTERRUPT-FROM-VIRTUAL-8086-MODE). */
    @Test
    void trapGateFromV86KeepsIfAndClearsNt() {
        TestGuest g = FaultRecorder.gate(v86Guest(FIXED | IOPL3 | IF | NT, code().x("CD 80")), 0x80,
                FaultRecorder.recordingGate(0x80, SystemTables.TRAP_GATE, 3));
        TestRun r = run(g);
        int flags = assertV86Event(r, 0x80, NO_ERROR_CODE, 2, V86_SP);
        assertHex(VM | IOPL3 | IF | NT, flags & (VM | IOPL3 | IF | NT), "pushed EFLAGS");
        assertHex(IOPL3 | IF, FaultRecorder.flags(r) & (VM | IOPL3 | IF | NT), "handler EFLAGS");
    }

    /**
     * IRETD from the ring-0 handler returns to virtual-8086 mode and reloads ES, DS, FS, GS from the frame
     * (here DS as the handler rewrote it) (SDM Vol. 3B, 20.3.1.1).
     */
    @Test
    void iretdFromTheHandlerReturnsToV86() {
        Asm handler = new Asm(HANDLER).x("C7 44 24 18").d(0x4000) // mov dword [esp+24], 0x4000 (the pushed DS)
                .mov(EBX, 0x55).x("8C DD CF"); // mov ebx, 0x55; mov ebp, ds; iretd
        Asm v86 = code().x("CD 80 8C D9 8C C2 8C E6 8C EF A1 00 00"); // int 0x80; mov cx, ds; mov dx, es; mov si, fs; mov di, gs; mov ax, [0]
        int hlt = ip(v86);
        TestGuest g = FaultRecorder.gate(v86Guest(FIXED | IOPL3, v86.hlt()), 0x80,
                SystemTables.gate(TestGuest.CODE32, HANDLER, SystemTables.INTERRUPT_GATE, 3))
                .load(HANDLER, handler.bytes()).load(0x40000, bytes(0xcd, 0xab));
        TestRun r = run(g);
        assertV86Event(r, GP, 0, hlt, V86_SP, V86_ES, 0x4000, V86_FS, V86_GS);
        assertRegs(r, EBX, 0x55, EBP, 0, ECX, 0x4000, EDX, V86_ES, ESI, V86_FS, EDI, V86_GS);
        assertHex(0xabcd, r.state().gpr[EAX] & 0xffff, "AX from the new DS:0");
    }

    /** A gate to a code segment with DPL != 0 raises #GP(its selector) (SDM Vol. 2A, INT n; Vol. 3B, 20.3.1.1). */
    @Test
    void gateToANonRing0CodeSegmentRaisesGeneralProtection() {
        TestGuest g = FaultRecorder.gate(v86Guest(FIXED, code().x("90 CC")), 3, // nop; int3
                SystemTables.gate(UserMode.USER_CS, FaultRecorder.STUBS + 16 * 3, SystemTables.INTERRUPT_GATE, 3));
        assertV86Event(run(g), GP, UserMode.USER_CS & 0xfffc, 1, V86_SP);
    }

    // ---- IOPL-sensitive instructions ------------------------------------------------------------------

    /** CLI, STI, PUSHF(D), POPF(D), INT n, IRET(D) raise #GP(0) in virtual-8086 mode with IOPL < 3 (SDM Vol. 3B, 20.2.7). */
    @Test
    void ioplSensitiveInstructionsRaiseGeneralProtectionBelowIopl3() {
        for (String insn : new String[] {"FA", "FB", "9C", "66 9C", "9D", "66 9D", "CD 80", "CF", "66 CF"}) {
            for (int iopl : new int[] {0, 2 << 12}) {
                TestRun r = runV86(FIXED | iopl, code().x("90").x(insn)); // nop; insn
                int flags = assertV86Event(r, GP, 0, 1, V86_SP);
                assertHex(iopl, flags & IOPL3, insn + ": IOPL unchanged");
            }
        }
    }

    /**
     * With IOPL 3 they work; POPF and IRET cannot change IOPL (SDM Vol. 2B, POPF; Vol. 2A, IRET,
     * RETURN-FROM-VIRTUAL-8086-MODE); PUSHF clears VM and RF in the image.
     */
    @Test
    void ioplSensitiveInstructionsWorkWithIopl3() {
        Asm v86 = code().x("FA 9C 58") // cli; pushf; pop ax
                .x("FB 9C 5B") // sti; pushf; pop bx
                .x("6A 02 9D 9C 59") // push 0x0002; popf; pushf; pop cx (IOPL stays 3)
                .x("66 68").d(0xed5) /* CF PF AF ZF SF IF DF OF */.x("66 9D 66 9C 66 5A") // push dword 0xed5; popfd; pushfd; pop edx
                .x("6A 02 6A 00 68 00 01 CF"); // push 0x0002 (FLAGS); push 0 (CS); push 0x100 (IP); iret
        TestGuest g = v86Guest(FIXED | IOPL3 | IF, v86)
                .load(0x100, code().x("8C CE").hlt().bytes()); // at 0000:0100: mov si, cs; hlt
        TestRun r = run(g);
        assertHalted(r);
        assertHex(GP, FaultRecorder.vector(r), "vector; " + describe(r));
        assertHex(0x102, frame(r, 1), "pushed EIP: the HLT at 0000:0102");
        assertHex(0, frame(r, 2) & 0xffff, "pushed CS: the IRET's");
        assertHex(VM | IOPL3 | FIXED, frame(r, 3) & ~Eflags.RF, "pushed EFLAGS: IRET kept VM and IOPL");
        assertHex(FIXED | IOPL3, r.state().gpr[EAX] & 0xffff, "flags after CLI");
        assertHex(FIXED | IOPL3 | IF, r.state().gpr[EBX] & 0xffff, "flags after STI");
        assertHex(FIXED | IOPL3, r.state().gpr[ECX] & 0xffff, "POPF kept IOPL");
        assertHex(0xed5 | FIXED | IOPL3, r.state().gpr[EDX], "POPFD kept IOPL, PUSHFD cleared VM");
        assertHex(0, r.state().gpr[ESI] & 0xffff, "CS after IRET");
        assertHex(V86_SP, frame(r, 4), "SP after IRET");
    }

    /** INT3, INTO and BOUND are not IOPL-sensitive: they go through the IDT (gate DPL 3 for INT3/INTO) (SDM Vol. 3B, 20.2.7). */
    @Test
    void int3IntoAndBoundAreNotIoplSensitive() {
        TestGuest int3 = FaultRecorder.gate(v86Guest(FIXED, code().x("90 CC")), 3, FaultRecorder.recordingGate(3,
                SystemTables.INTERRUPT_GATE, 3));
        assertV86Event(run(int3), 3, NO_ERROR_CODE, 2, V86_SP);
        TestGuest into = FaultRecorder.gate(v86Guest(FIXED | OF, code().x("CE")), 4, FaultRecorder.recordingGate(4,
                SystemTables.INTERRUPT_GATE, 3));
        assertV86Event(run(into), 4, NO_ERROR_CODE, 1, V86_SP);
        TestGuest bound = v86Guest(FIXED, code().x("B8 09 00 62 06 40 00")) // mov ax, 9; bound ax, [0x40]
                .load(V86_DATA + 0x40, bytes(1, 0, 8, 0));
        assertV86Event(run(bound), 5, NO_ERROR_CODE, 3, V86_SP);
    }

    // ---- I/O -------------------------------------------------------------------------------------------

    /** IN/OUT/INS/OUTS in virtual-8086 mode ignore IOPL: only the TSS I/O bitmap decides (SDM Vol. 3B, 20.2.8.1). */
    @Test
    void ioIgnoresIoplAndConsultsTheBitmap() {
        Asm v86 = code().x("B0 56 E6 E9") // mov al, 'V'; out 0xe9, al
                .x("BE 50 00 BA E9 00 6E"); // mov si, 0x50; mov dx, 0xe9; outsb
        int denied = ip(v86);
        v86.x("E6 EA"); // out 0xea, al
        byte[] allow = UserMode.ioBitmapAllowing(0xe9);
        for (int iopl : new int[] {0, IOPL3}) {
            TestRun r = run(v86Guest(new Asm(), FIXED | iopl, v86, allow).load(V86_DATA + 0x50, bytes('8')));
            assertV86Event(r, GP, 0, denied, V86_SP);
            assertEquals("V8", r.console(), "IOPL " + (iopl >>> 12));
        }
        TestRun none = run(v86Guest(new Asm(), FIXED | IOPL3, v86, null)); // no bitmap in the TSS
        assertV86Event(none, GP, 0, 2, V86_SP);
        assertEquals("", none.console());
    }

    // ---- privileged and protected-mode-only instructions ------------------------------------------------

    /** Privileged instructions raise #GP(0): virtual-8086 code runs at CPL 3 (SDM Vol. 3B, 20.2.7). */
    @Test
    void privilegedInstructionsRaiseGeneralProtection() {
        String[] insns = {"F4", "0F 20 C0", "0F 22 C0", "0F 01 16 00 01", "0F 01 1E 00 01", "0F 06", "0F 01 F0",
            "0F 21 C0", "0F 23 C0", "0F 01 3E 00 01", "0F 32", "0F 30", "0F 09"};
        for (String insn : insns) {
            TestRun r = runV86(FIXED | IOPL3, code().x("90").x(insn)); // nop; insn
            assertV86Event(r, GP, 0, 1, V86_SP);
        }
    }

    /** LAR, LSL, VERR, VERW, ARPL, LLDT, LTR, SLDT, STR are not recognized in virtual-8086 mode: #UD (SDM Vol. 2, their pages). */
    @Test
    void protectedModeOnlyInstructionsRaiseInvalidOpcode() {
        String[] insns = {"0F 02 C0", "0F 03 C0", "0F 00 E0", "0F 00 E8", "63 C0", "0F 00 D0", "0F 00 D8", "0F 00 C0",
            "0F 00 C8"};
        for (String insn : insns) {
            TestRun r = runV86(FIXED | IOPL3, code().x("90").x(insn)); // nop; insn
            assertV86Event(r, UD, NO_ERROR_CODE, 1, V86_SP);
        }
    }

    // ---- paging ----------------------------------------------------------------------------------------

    /** With paging, virtual-8086 accesses are user accesses (SDM Vol. 3B, 20.2.3; Vol. 3A, 4.6). */
    @Test
    void pagingAppliesUserLevelChecks() {
        requirePaging();
        int page = (V86_DATA >>> 12) + 1; // DS:0x1000
        Asm read = code().x("90 A1 00 10"); // nop; mov ax, [0x1000]
        TestRun r = run(v86Guest(enablePaging(), FIXED, read, null).load(PD, dwords(PT | 7)).load(PT, pageTable(page, 3)));
        assertV86Event(r, PF_FAULT, 5, 1, V86_SP); // present, read, user
        assertHex(V86_DATA + 0x1000, r.state().cr2, "CR2");
        Asm write = code().x("90 A1 00 10 A3 00 10"); // nop; mov ax, [0x1000]; mov [0x1000], ax
        TestRun w = run(v86Guest(enablePaging(), FIXED, write, null).load(PD, dwords(PT | 7)).load(PT, pageTable(page, 5)));
        assertV86Event(w, PF_FAULT, 7, 4, V86_SP); // present, write, user: the page is read-only
        assertHex(V86_DATA + 0x1000, w.state().cr2, "CR2");
    }

    // ---- state save and load -----------------------------------------------------------------------------

    /** A vCPU re-created (state saved and loaded) again and again in virtual-8086 mode goes on exactly. */
    @Test
    void saveAndLoadInV86ModeIsInvisible() {
        int iterations = 500_000;
        Asm v86 = code().x("66 B8").d(0).x("66 B9").d(iterations) // mov eax, 0; mov ecx, n
                .label("loop")
                .x("66 6B C0 1F 66 01 C8") // imul eax, eax, 31; add eax, ecx
                .x("66 50 66 5A") // push eax; pop edx
                .x("26 89 07") // mov es:[bx], ax
                .b(0x67).jump8(0xE2, "loop") // loop (ECX)
                .x("66 A3 10 00"); // mov [0x10], eax
        int hlt = ip(v86);
        int expected = 0;
        for (int c = iterations; c > 0; c--) {
            expected = expected * 31 + c;
        }
        TestGuest g = v86Guest(FIXED, v86.hlt());
        // First without switches (the same guest, the same end), then re-creating the vCPU every 2 ms.
        for (GuestRunner.SwitchPlan plan : new GuestRunner.SwitchPlan[] {null,
            new GuestRunner.SwitchPlan(backend(), Duration.ofMillis(2))}) {
            TestRun r = run(g, plan);
            assertEquals(TestExit.HALTED, r.exit(), r.toString());
            assertV86Event(r, GP, 0, hlt, V86_SP);
            assertRegs(r, EAX, expected, EDX, expected, ECX, 0);
            assertMem32(r, V86_DATA + 0x10, expected);
            assertMem16(r, V86_ES << 4, expected);
            if (plan != null) {
                assertTrue(r.switches() > 0, "the vCPU was re-created at least once: " + r.switches());
            }
        }
    }
}
