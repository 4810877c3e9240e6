package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESP;
import static dev.hyperbundle.testkit.suite.Eflags.AF;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.IF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.PF;
import static dev.hyperbundle.testkit.suite.Eflags.SF;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * Real mode (the kit's: code at 0000:7C00, SS:SP = 0000:7000): 16-bit defaults with 32-bit operand and
 * address prefixes, segment * 16 addressing, word-sized stack, the IVT for INT n and exceptions, far
 * CALL/RETF, real-mode IRET, LOOP on CX, and the switch into protected mode (SDM Vol. 3A, 20.1
 * "Real-Address Mode"; 10.9 "Mode Switching").
 */
public abstract class RealModeSuite extends BackendSuite {
    static final int ORIGIN = TestGuest.RM_CODE, SP = 0x7000, HANDLER = 0x7e00;

    /** MOV r32, imm32 in 16-bit code (66 B8+r). */
    static Asm mov32(Asm a, int reg, int imm) {
        return a.b(0x66, 0xB8 + reg).d(imm);
    }

    /** MOV r16, imm16 in 16-bit code. */
    static Asm mov16(Asm a, int reg, int imm) {
        return a.b(0xB8 + reg).w(imm);
    }

    /** EFLAGS = value in 16-bit code: PUSH imm32 (66 68); POPFD (66 9D). */
    static Asm flags(Asm a, int value) {
        return a.b(0x66, 0x68).d(value).b(0x66, 0x9D);
    }

    private TestRun execReal(Asm a) {
        return exec(TestGuest.realMode(a.hlt().bytes()));
    }

    private static void ivt(int vector, int handler, TestGuest[] g) {
        g[0] = g[0].load(vector * 4, bytes(handler & 0xff, handler >>> 8 & 0xff, 0, 0));
    }

    @Test
    void operandSizePrefixWritesAllOfEax() {
        Asm a = mov32(new Asm(ORIGIN), EAX, 0x12345678);
        TestRun r = execReal(mov16(a, EBX, 0xabcd).x("66 89 C1")); // mov bx, 0xabcd; mov ecx, eax
        assertRegs(r, EAX, 0x12345678, ECX, 0x12345678);
        assertHex(0xabcd, r.state().gpr[EBX] & 0xffff, "BX");
    }

    @Test
    void thirtyTwoBitAddHasThirtyTwoBitFlags() {
        Asm a = flags(new Asm(ORIGIN), CF | ZF);
        TestRun r = execReal(mov32(mov32(a, EAX, 0x7fffffff), EBX, 1).x("66 01 D8")); // add eax, ebx
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, OF | SF | AF | PF);
    }

    @Test
    void sixteenBitAddKeepsTheUpperHalf() {
        Asm a = flags(mov32(new Asm(ORIGIN), EAX, 0x55557fff), 0);
        TestRun r = execReal(a.x("05 01 00")); // add ax, 1
        assertRegs(r, EAX, 0x55558000);
        assertStatus(r, OF | SF | AF | PF);
    }

    @Test
    void addressSizePrefixAllowsAScaledIndex() {
        Asm a = mov32(mov32(new Asm(ORIGIN), EBX, 0x8000), ECX, 4).x("67 8B 04 8B"); // mov ax, [ebx+ecx*4]
        TestRun r = exec(TestGuest.realMode(a.hlt().bytes()).load(0x8010, dwords(0xbeef)));
        assertHex(0xbeef, r.state().gpr[EAX] & 0xffff, "AX");
    }

    @Test
    void segmentOverrideAddsSegmentTimesSixteen() {
        Asm a = mov16(new Asm(ORIGIN), EAX, 0x3000).x("8E C0 26 8B 1E 10 00"); // mov es, ax; mov bx, es:[0x10]
        TestRun r = exec(TestGuest.realMode(a.hlt().bytes()).load(0x30010, dwords(0x4321)).load(0x10, dwords(0x1111)));
        assertHex(0x4321, r.state().gpr[EBX] & 0xffff, "BX");
        assertHex(0x30000, r.state().seg[0].base, "ES base");
    }

    @Test
    void pushesAreWordsUnlessPrefixed() {
        Asm a = mov32(new Asm(ORIGIN), EAX, 0x11223344).x("50 66 50"); // push ax; push eax
        TestRun r = execReal(a);
        assertRegs(r, ESP, SP - 6);
        assertMem16(r, SP - 2, 0x3344);
        assertMem32(r, SP - 6, 0x11223344);
    }

    @Test
    void softwareInterruptThroughTheIvtAndIretBack() {
        Asm main = new Asm(ORIGIN).x("FB F9 CD 21"); // sti; stc; int 0x21
        int after = ORIGIN + 4;
        main.x("FA").b(0xBA).w(0x55); // cli; mov dx, 0x55
        Asm handler = new Asm(HANDLER).x("89 E5 8B 46 00 8B 5E 02 8B 4E 04 9C 5F CF"); // mov bp, sp; ax = [bp]; bx = [bp+2]; cx = [bp+4]; pushf; pop di; iret
        TestGuest[] g = {TestGuest.realMode(main.hlt().bytes()).load(HANDLER, handler.bytes())};
        ivt(0x21, HANDLER, g);
        TestRun r = exec(g[0]);
        assertHex(after, r.state().gpr[EAX] & 0xffff, "pushed IP");
        assertHex(0, r.state().gpr[EBX] & 0xffff, "pushed CS");
        assertHex(IF | CF | Eflags.FIXED, r.state().gpr[ECX] & 0xffff, "pushed FLAGS");
        assertHex(CF | Eflags.FIXED, r.state().gpr[EDI] & 0xffff, "FLAGS in the handler: IF clear");
        assertHex(0x55, r.state().gpr[EDX] & 0xffff, "back after IRET");
        assertRegs(r, ESP, SP);
    }

    @Test
    void divideErrorPushesTheAddressOfTheDivide() {
        Asm main = mov16(mov16(new Asm(ORIGIN), EAX, 0x1234), ECX, 0);
        int at = main.here();
        main.x("F7 F1"); // div cx
        Asm handler = new Asm(HANDLER).x("89 E5 8B 7E 00"); // mov bp, sp; mov di, [bp]
        TestGuest[] g = {TestGuest.realMode(main.hlt().bytes()).load(HANDLER, handler.hlt().bytes())};
        ivt(0, HANDLER, g);
        TestRun r = exec(g[0]);
        assertHex(at, r.state().gpr[EDI] & 0xffff, "pushed IP");
        assertHex(0x1234, r.state().gpr[EAX] & 0xffff, "AX unchanged");
        assertRegs(r, ESP, SP - 6);
    }

    @Test
    void farCallAndFarReturn() {
        Asm main = new Asm(ORIGIN).x("9A 00 00 00 08"); // call 0x0800:0x0000 (linear 0x8000)
        int after = ORIGIN + 5;
        main.b(0xBA).w(0x66); // mov dx, 0x66
        Asm far = new Asm(0).x("89 E5 8B 46 00 8B 5E 02 8C CE CB"); // mov bp, sp; ax = [bp]; bx = [bp+2]; mov si, cs; retf
        TestRun r = exec(TestGuest.realMode(main.hlt().bytes()).load(0x8000, far.bytes()));
        assertHex(after, r.state().gpr[EAX] & 0xffff, "pushed IP");
        assertHex(0, r.state().gpr[EBX] & 0xffff, "pushed CS");
        assertHex(0x0800, r.state().gpr[Asm.ESI] & 0xffff, "CS in the far routine");
        assertHex(0x66, r.state().gpr[EDX] & 0xffff, "back");
        assertRegs(r, ESP, SP);
    }

    @Test
    void loopCountsCxInSixteenBitCode() {
        Asm a = mov32(mov32(new Asm(ORIGIN), ECX, 0x00010002), EDX, 0).label("body").x("66 42").jump8(0xE2, "body"); // inc edx; loop
        TestRun r = execReal(a);
        assertRegs(r, EDX, 2, ECX, 0x00010000);
    }

    @Test
    void addressSizePrefixMakesLoopCountEcx() {
        Asm a = mov32(mov32(new Asm(ORIGIN), ECX, 0x00010001), EDX, 0).label("body").x("66 42").b(0x67).jump8(0xE2, "body"); // inc edx; loop (a32)
        TestRun r = execReal(a);
        assertRegs(r, EDX, 0x10001, ECX, 0);
    }

    @Test
    void realModeIretPopsIpCsAndFlags() {
        Asm main = new Asm(ORIGIN).x("68").w(SF | ZF | CF | Eflags.FIXED).x("6A 00 68").w(HANDLER).x("CF"); // push flags; push 0; push target; iret
        TestRun r = exec(TestGuest.realMode(main.hlt().bytes()).load(HANDLER, new Asm(HANDLER).b(0xBB).w(0x77).hlt().bytes()));
        assertHex(0x77, r.state().gpr[EBX] & 0xffff, "BX at the target");
        assertFlags(r, SF | ZF | CF, Eflags.STATUS);
        assertRegs(r, ESP, SP);
    }

    @Test
    void switchingToProtectedModeAndFarJumpingInto32BitCode() {
        // the kit's GDT is in memory and GDTR points at it; CR0.PE, then a 32-bit far jump (66 EA) to selector 0x08
        Asm a = new Asm(ORIGIN).x("FA 0F 20 C0 0C 01 0F 22 C0"); // cli; mov eax, cr0; or al, 1; mov cr0, eax
        int target = ORIGIN + 0x40;
        a.x("66 EA").d(target).w(TestGuest.CODE32);
        Asm pm = new Asm(target).mov(EAX, TestGuest.DATA32).x("8E D8 8E D0") // mov ds, eax; mov ss, eax
                .storeImm(DATA, 0x12345678).mov(ESP, 0x80000).x("6A 2A").hlt(); // mov dword [DATA], ...; push 42
        TestRun r = exec(TestGuest.realMode(a.bytes()).load(target, pm.bytes()));
        assertHex(1, r.state().cr0 & 1, "CR0.PE");
        assertHex(TestGuest.CODE32, r.state().seg[1].selector, "CS");
        assertMem32(r, DATA, 0x12345678);
        assertMem32(r, 0x80000 - 4, 42);
        assertRegs(r, ESP, 0x80000 - 4);
    }
}
