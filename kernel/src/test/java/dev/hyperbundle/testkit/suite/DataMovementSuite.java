package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBP;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Eflags.AF;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.DF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.PF;
import static dev.hyperbundle.testkit.suite.Eflags.SF;
import static dev.hyperbundle.testkit.suite.Eflags.STATUS;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;

import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * MOVZX, MOVSX, LEA (every addressing form: SIB, no base, scale 8, ESP and EBP bases, 16-bit addressing,
 * 16-bit destination), CBW/CWDE/CWD/CDQ, MOV with moffs and immediates, XLAT, LAHF/SAHF, the flag
 * instructions, NOP forms (SDM Vol. 2A/2B; Vol. 2A 2.1.5 "Addressing-Mode Encoding of ModR/M and SIB
 * Bytes"). None of these changes a status flag except SAHF and the flag instructions, so most tests go
 * in with all status flags set and expect them back.
 */
public abstract class DataMovementSuite extends BackendSuite {
    @Test
    void movzxByte() {
        TestRun r = op("0F B6 C3", STATUS, EAX, -1, EBX, 0x12345680); // movzx eax, bl
        assertRegs(r, EAX, 0x80);
        assertStatus(r, STATUS);
    }

    @Test
    void movzxWord() {
        TestRun r = op("0F B7 C3", 0, EAX, -1, EBX, 0x1234f680); // movzx eax, bx
        assertRegs(r, EAX, 0xf680);
    }

    @Test
    void movsxByte() {
        TestRun r = op("0F BE C3", 0, EBX, 0x12345680); // movsx eax, bl
        assertRegs(r, EAX, 0xffffff80);
    }

    @Test
    void movsxWord() {
        TestRun r = op("0F BF C3", 0, EBX, 0x1234f680); // movsx eax, bx
        assertRegs(r, EAX, 0xfffff680);
    }

    @Test
    void movzxIntoAWordKeepsTheUpperHalf() {
        TestRun r = op("66 0F B6 C3", 0, EAX, 0xaaaaaaaa, EBX, 0x80); // movzx ax, bl
        assertRegs(r, EAX, 0xaaaa0080);
    }

    @Test
    void movsxFromMemory() {
        TestRun r = exec(pm(setup(STATUS).x("0F BE 05 00 00 03 00")).load(DATA, bytes(0x9c))); // movsx eax, byte [0x30000]
        assertRegs(r, EAX, 0xffffff9c);
        assertStatus(r, STATUS);
    }

    @Test
    void leaBaseIndexScale8Displacement32() {
        TestRun r = op("8D 84 CB 78 56 34 12", STATUS, EBX, 0x1000, ECX, 0x10); // lea eax, [ebx+ecx*8+0x12345678]
        assertRegs(r, EAX, 0x123466f8);
        assertStatus(r, STATUS);
    }

    @Test
    void leaIndexWithoutBase() {
        TestRun r = op("8D 04 CD 00 01 00 00", 0, ECX, 3, EBP, 0x5000); // lea eax, [ecx*8+0x100] (SIB base 101, mod 00: no base)
        assertRegs(r, EAX, 0x118);
    }

    @Test
    void leaEspBase() {
        TestRun r = op("8D 44 24 08", 0); // lea eax, [esp+8] (SIB index 100: none)
        assertRegs(r, EAX, STACK_TOP + 8);
    }

    @Test
    void leaEspAlone() {
        TestRun r = op("8D 04 24", 0); // lea eax, [esp]
        assertRegs(r, EAX, STACK_TOP);
    }

    @Test
    void leaEbpBaseNeedsADisplacement() {
        TestRun r = op("8D 45 00", 0, EBP, 0x4321); // lea eax, [ebp+0] (mod 00 rm 101 would be disp32)
        assertRegs(r, EAX, 0x4321);
    }

    @Test
    void leaDisplacementOnly() {
        TestRun r = op("8D 05 78 56 34 12", 0); // lea eax, [0x12345678]
        assertRegs(r, EAX, 0x12345678);
    }

    @Test
    void leaMultipliesByThree() {
        TestRun r = op("8D 04 40", 0, EAX, 0x55555556); // lea eax, [eax+eax*2]
        assertRegs(r, EAX, 0x00000002);
    }

    @Test
    void leaWrapsAround() {
        TestRun r = op("8D 43 FF", 0, EBX, 0); // lea eax, [ebx-1]
        assertRegs(r, EAX, 0xffffffff);
    }

    @Test
    void leaIntoAWord() {
        TestRun r = op("66 8D 04 0B", 0, EAX, 0xaaaaaaaa, EBX, 0x1234fff0, ECX, 0x20); // lea ax, [ebx+ecx]
        assertRegs(r, EAX, 0xaaaa0010);
    }

    @Test
    void leaWithSixteenBitAddressingZeroExtends() {
        TestRun r = op("67 8D 40 10", 0, EAX, -1, EBX, 0x7777fff0, ESI, 0x88880030); // lea eax, [bx+si+0x10]
        assertRegs(r, EAX, 0x00000030);
    }

    @Test
    void cbwCwdeCwdCdq() {
        TestRun r = exec(setup(STATUS, EAX, 0x12345680).x("66 98").store(DATA, EAX) // cbw
                .mov(EAX, 0x12348000).x("98").store(DATA + 4, EAX) // cwde
                .mov(EAX, 0x00008000).mov(EDX, 0x12345678).x("66 99").store(DATA + 8, EDX) // cwd
                .mov(EAX, 0x80000000).mov(EDX, 0).x("99")); // cdq
        assertMem32(r, DATA, 0x1234ff80);
        assertMem32(r, DATA + 4, 0xffff8000);
        assertMem32(r, DATA + 8, 0x1234ffff);
        assertRegs(r, EDX, 0xffffffff);
        assertStatus(r, STATUS);
    }

    @Test
    void movWithOffsetOnlyOperands() {
        TestRun r = exec(pm(setup(0).x("A1 00 00 03 00 A2 04 00 03 00")).load(DATA, dwords(0x11223344))); // mov eax, [0x30000]; mov [0x30004], al
        assertRegs(r, EAX, 0x11223344);
        assertMem32(r, DATA + 4, 0x44);
    }

    @Test
    void movByteImmediateToMemory() {
        TestRun r = exec(pm(setup(0).x("C6 05 01 00 03 00 5A")).load(DATA, dwords(0x11111111))); // mov byte [0x30001], 0x5a
        assertMem32(r, DATA, 0x11115a11);
    }

    @Test
    void xlatIndexesTheTableWithAl() {
        TestRun r = exec(pm(setup(0, EBX, DATA, EAX, 0x12345603).x("D7")).load(DATA, bytes(10, 20, 30, 40, 50))); // xlat
        assertRegs(r, EAX, 0x12345628);
    }

    @Test
    void sahfLoadsFiveFlagsFromAh() {
        // AH = 0xFF: SF ZF AF PF CF set; bits 1, 3, 5 are not flags; OF is not touched
        TestRun r = op("9E", OF, EAX, 0xff00); // sahf
        assertStatus(r, STATUS);
        assertFlags(r, Eflags.FIXED, 0x2a); // bit 1 stays 1, bits 3 and 5 stay 0
    }

    @Test
    void sahfClearsTheFiveFlags() {
        TestRun r = op("9E", STATUS, EAX, 0x0000); // sahf
        assertStatus(r, OF);
    }

    @Test
    void lahfStoresTheFiveFlagsAndBitOne() {
        TestRun r = op("9F", STATUS, EAX, 0xffffffff); // lahf
        assertRegs(r, EAX, 0xffffd7ff); // SF ZF 0 AF 0 PF 1 CF
    }

    @Test
    void carryAndDirectionFlagInstructions() {
        TestRun r = exec(setup(0).x("F9").saveFlags(DATA).x("F5").saveFlags(DATA + 4).x("F5 F8").saveFlags(DATA + 8) // stc; cmc; cmc; clc
                .x("FD").saveFlags(DATA + 12).x("FC")); // std; cld
        assertMem32(r, DATA, CF | 2);
        assertMem32(r, DATA + 4, 2);
        assertMem32(r, DATA + 8, 2);
        assertMem32(r, DATA + 12, DF | 2);
        assertFlags(r, 0, DF | CF);
    }

    @Test
    void nopFormsChangeNothing() {
        TestRun r = op("90 F3 90 66 90 0F 1F 00 0F 1F 44 00 00", PF | AF, EAX, DATA, EBX, 7); // nop; pause; xchg ax, ax; nop [eax]; nop [eax+eax+0]
        assertRegs(r, EAX, DATA, EBX, 7);
        assertStatus(r, PF | AF);
        assertHex(CODE + 6 + 10 + 13 + 1, r.state().eip, "EIP after the HLT");
    }

    /** A 32-bit register destination gets the selector zero-extended (P6 and later; SDM MOV: implementation dependent). */
    @Test
    void movSegmentRegisterToRegisterAndMemory() {
        TestRun r = exec(setup(0, EAX, -1).x("8C D8 8C 1D 00 00 03 00 66 8C D3")); // mov eax, ds; mov [DATA], ds; mov bx, ss
        assertRegs(r, EAX, 0x10);
        assertMem16(r, DATA, 0x10);
        assertHex(0x10, r.state().gpr[EBX] & 0xffff, "BX");
    }

    @Test
    void movToEbpRelativeMemory() {
        TestRun r = exec(setup(0, EBP, DATA, ESI, 0x12345678).x("89 75 08 8B 5D 08")); // mov [ebp+8], esi; mov ebx, [ebp+8]
        assertMem32(r, DATA + 8, 0x12345678);
        assertRegs(r, EBX, 0x12345678);
    }
}
