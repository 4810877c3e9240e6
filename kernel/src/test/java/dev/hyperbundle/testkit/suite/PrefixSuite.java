package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBP;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Asm.ESP;

import dev.hyperbundle.testkit.TestGuest;
import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * Operand-size (66) and address-size (67) prefixes in 32-bit code, alone, together, repeated and in either
 * order, and a 16-bit protected-mode code segment whose defaults they invert (SDM Vol. 2A, 2.1.1
 * "Instruction Prefixes"; Vol. 1, 3.6 "Operand-Size and Address-Size Attributes"; table 2-1 for the
 * 16-bit ModR/M forms). Real mode is in {@link RealModeSuite}.
 */
public abstract class PrefixSuite extends BackendSuite {
    @Test
    void operandSizePrefixWritesOnlyTheLowWord() {
        TestRun r = op("66 B8 34 12", 0, EAX, 0xaaaaaaaa); // mov ax, 0x1234
        assertRegs(r, EAX, 0xaaaa1234);
    }

    @Test
    void repeatedOperandSizePrefixesStaySixteenBit() {
        TestRun r = op("66 66 B8 34 12", 0, EAX, 0xaaaaaaaa); // mov ax, 0x1234 with two prefixes
        assertRegs(r, EAX, 0xaaaa1234);
        assertHex(CODE + 11 + 5 + 1, r.state().eip, "EIP after the HLT");
    }

    @Test
    void addressSizePrefixAddsBxAndSi() {
        TestRun r = exec(pm(setup(0, EBX, 0xffff0100, ESI, 0xeeee0200).x("67 8B 00")).load(0x300, dwords(0x5150))); // mov eax, [bx+si]
        assertRegs(r, EAX, 0x5150);
    }

    @Test
    void sixteenBitAddressesWrapAt64K() {
        TestRun r = exec(pm(setup(0, EBX, 0xfff0, ESI, 0x20).x("67 8B 00")).load(0x10, dwords(0x1010))); // mov eax, [bx+si]
        assertRegs(r, EAX, 0x1010);
    }

    @Test
    void sixteenBitAddressWithBpDiAndDisplacementWraps() {
        TestRun r = exec(pm(setup(0, EBP, 0xfffe, EDI, 0).x("67 8B 43 04")).load(0x2, dwords(0x2222))); // mov eax, [bp+di+4]
        assertRegs(r, EAX, 0x2222);
    }

    @Test
    void addressSizePrefixShortensTheOffsetOfMoffs() {
        TestRun r = exec(pm(setup(0).x("67 A1 34 12")).load(0x1234, dwords(0x600df00d))); // mov eax, [0x1234] (a16)
        assertRegs(r, EAX, 0x600df00d);
        assertHex(CODE + 6 + 4 + 1, r.state().eip, "EIP after the HLT: a 2-byte offset");
    }

    @Test
    void bothPrefixesTogether() {
        TestRun r = exec(pm(setup(0, EAX, 0xaaaaaaaa, EBX, 0x100, ESI, 0x200).x("66 67 8B 00")).load(0x300, dwords(0x77665544))); // mov ax, [bx+si]
        assertRegs(r, EAX, 0xaaaa5544);
    }

    @Test
    void prefixOrderDoesNotMatter() {
        TestRun r = exec(pm(setup(0, EAX, 0xaaaaaaaa, EBX, 0x100, ESI, 0x200).x("67 66 8B 00")).load(0x300, dwords(0x77665544))); // mov ax, [bx+si]
        assertRegs(r, EAX, 0xaaaa5544);
    }

    @Test
    void segmentOverrideAmongOtherPrefixes() {
        // a redundant DS override between the size prefixes changes nothing
        TestRun r = exec(pm(setup(0, EAX, 0xaaaaaaaa, EBX, 0x100, ESI, 0x200).x("66 3E 67 8B 00")).load(0x300, dwords(0x77665544)));
        assertRegs(r, EAX, 0xaaaa5544);
    }

    /**
     * A 16-bit code segment (the kit's 0x18): operands are 16-bit and addresses 16-bit by default, and the
     * prefixes select 32 bits. The stack segment stays 32-bit, so PUSH uses ESP but pushes a word.
     */
    @Test
    void sixteenBitCodeSegmentInvertsTheDefaults() {
        int low = 0x9000;
        Asm sixteen = new Asm(low).x("B8 34 12") // mov ax, 0x1234
                .x("66 BB 78 56 34 12") // mov ebx, 0x12345678
                .x("A3 00 A0") // mov [0xA000], ax
                .x("66 67 89 1D 00 B0 00 00") // mov [0x0000B000], ebx
                .x("50") // push ax
                .x("66 EA").d(CODE + 0x100).w(TestGuest.CODE32); // jmp dword 0x08:back
        Asm main = setup(0, EAX, 0xaaaaaaaa).b(0xEA).d(low).w(TestGuest.CODE16); // jmp 0x18:0x9000
        Asm back = new Asm(CODE + 0x100).store(DATA, ESP).mov(ESP, STACK_TOP).hlt();
        TestRun r = exec(TestGuest.protectedMode(main.bytes()).load(low, sixteen.bytes()).load(CODE + 0x100, back.bytes()));
        assertRegs(r, EAX, 0xaaaa1234, EBX, 0x12345678);
        assertMem32(r, 0xa000, 0x1234);
        assertMem32(r, 0xb000, 0x12345678);
        assertMem32(r, DATA, STACK_TOP - 2);
        assertMem16(r, STACK_TOP - 2, 0x1234);
        assertHex(TestGuest.CODE32, r.state().seg[1].selector, "CS after the jump back");
    }
}
