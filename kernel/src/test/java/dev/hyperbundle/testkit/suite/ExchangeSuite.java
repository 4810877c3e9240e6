package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBP;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.EDX;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Eflags.AF;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.PF;
import static dev.hyperbundle.testkit.suite.Eflags.SF;
import static dev.hyperbundle.testkit.suite.Eflags.STATUS;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;

import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * XCHG, CMPXCHG, CMPXCHG8B, XADD, BSWAP (SDM Vol. 2A/2B). XCHG and BSWAP change no flag; CMPXCHG sets the
 * flags of CMP accumulator, destination; CMPXCHG8B changes only ZF; XADD sets the flags of the ADD.
 */
public abstract class ExchangeSuite extends BackendSuite {
    @Test
    void xchgWithEaxShortForm() {
        TestRun r = op("93", STATUS, EAX, 1, EBX, 2); // xchg ebx, eax
        assertRegs(r, EAX, 2, EBX, 1);
        assertStatus(r, STATUS);
    }

    @Test
    void xchgRegisters() {
        TestRun r = op("87 D9", 0, ECX, 0x11111111, EBX, 0x22222222); // xchg ecx, ebx
        assertRegs(r, ECX, 0x22222222, EBX, 0x11111111);
        assertStatus(r, 0);
    }

    @Test
    void xchgMemory() {
        TestRun r = exec(pm(setup(0, EAX, 0xaaaaaaaa).x("87 05 00 00 03 00")).load(DATA, dwords(0x55555555))); // xchg [0x30000], eax
        assertRegs(r, EAX, 0x55555555);
        assertMem32(r, DATA, 0xaaaaaaaa);
    }

    @Test
    void xchgHighAndLowBytes() {
        TestRun r = op("86 DC", 0, EAX, 0x1234abcd, EBX, 0x56789a01); // xchg ah, bl
        assertRegs(r, EAX, 0x123401cd, EBX, 0x56789aab);
    }

    @Test
    void xchgWords() {
        TestRun r = op("66 92", 0, EAX, 0x11112222, EDX, 0x33334444); // xchg dx, ax
        assertRegs(r, EAX, 0x11114444, EDX, 0x33332222);
    }

    @Test
    void cmpxchgEqualStoresTheSource() {
        TestRun r = op("0F B1 CB", CF | SF, EAX, 5, EBX, 5, ECX, 9); // cmpxchg ebx, ecx
        assertRegs(r, EAX, 5, EBX, 9, ECX, 9);
        assertStatus(r, ZF | PF);
    }

    @Test
    void cmpxchgNotEqualLoadsTheAccumulator() {
        TestRun r = op("0F B1 CB", ZF, EAX, 5, EBX, 7, ECX, 9); // cmpxchg ebx, ecx
        assertRegs(r, EAX, 7, EBX, 7, ECX, 9);
        assertStatus(r, CF | AF | SF); // the flags of cmp 5, 7
    }

    @Test
    void cmpxchgMemoryEqual() {
        TestRun r = exec(pm(setup(0, EAX, 0x1000, ECX, 0x2000).x("F0 0F B1 0D 00 00 03 00")) // lock cmpxchg [0x30000], ecx
                .load(DATA, dwords(0x1000)));
        assertMem32(r, DATA, 0x2000);
        assertRegs(r, EAX, 0x1000);
        assertStatus(r, ZF | PF);
    }

    @Test
    void cmpxchgMemoryNotEqual() {
        TestRun r = exec(pm(setup(0, EAX, 0x1000, ECX, 0x2000).x("0F B1 0D 00 00 03 00")) // cmpxchg [0x30000], ecx
                .load(DATA, dwords(0x80000000)));
        assertMem32(r, DATA, 0x80000000);
        assertRegs(r, EAX, 0x80000000);
        assertStatus(r, CF | SF | OF | PF); // cmp 0x1000, 0x80000000
    }

    @Test
    void cmpxchgByte() {
        TestRun r = op("0F B0 CB", 0, EAX, 0xffffff42, EBX, 0x11111142, ECX, 0x99); // cmpxchg bl, cl
        assertRegs(r, EBX, 0x11111199, EAX, 0xffffff42);
        assertStatus(r, ZF | PF);
    }

    @Test
    void cmpxchgWordNotEqual() {
        TestRun r = op("66 0F B1 CB", 0, EAX, 0xaaaa0001, EBX, 0xbbbb0002, ECX, 0xcccc0003); // cmpxchg bx, cx
        assertRegs(r, EAX, 0xaaaa0002, EBX, 0xbbbb0002);
        assertStatus(r, CF | AF | SF | PF); // cmp 1, 2 in 16 bits: 0xFFFF
    }

    @Test
    void cmpxchg8bEqualStoresEcxEbx() {
        TestRun r = exec(pm(setup(CF | SF, EAX, 0x11111111, EDX, 0x22222222, EBX, 0x33333333, ECX, 0x44444444)
                .x("0F C7 0D 00 00 03 00")).load(DATA, dwords(0x11111111, 0x22222222))); // cmpxchg8b [0x30000]
        assertMem32(r, DATA, 0x33333333);
        assertMem32(r, DATA + 4, 0x44444444);
        assertRegs(r, EAX, 0x11111111, EDX, 0x22222222);
        assertStatus(r, ZF | CF | SF); // only ZF changes
    }

    @Test
    void cmpxchg8bNotEqualLoadsEdxEax() {
        TestRun r = exec(pm(setup(ZF | OF, EAX, 0x11111111, EDX, 0x22222223, EBX, 0x33333333, ECX, 0x44444444)
                .x("0F C7 0D 00 00 03 00")).load(DATA, dwords(0x11111111, 0x22222222))); // cmpxchg8b [0x30000]
        assertMem32(r, DATA, 0x11111111);
        assertMem32(r, DATA + 4, 0x22222222);
        assertRegs(r, EAX, 0x11111111, EDX, 0x22222222, EBX, 0x33333333, ECX, 0x44444444);
        assertStatus(r, OF);
    }

    @Test
    void xaddRegisters() {
        TestRun r = op("0F C1 D8", SF, EAX, 1, EBX, 0xffffffff); // xadd eax, ebx
        assertRegs(r, EAX, 0, EBX, 1);
        assertStatus(r, CF | ZF | AF | PF);
    }

    @Test
    void xaddMemory() {
        TestRun r = exec(pm(setup(0, ECX, 0x7fffffff).x("F0 0F C1 0D 00 00 03 00")).load(DATA, dwords(1))); // lock xadd [0x30000], ecx
        assertMem32(r, DATA, 0x80000000);
        assertRegs(r, ECX, 1);
        assertStatus(r, OF | SF | AF | PF);
    }

    @Test
    void xaddBytes() {
        TestRun r = op("0F C0 D8", 0, EAX, 0x12345680, EBX, 0xabcdef80); // xadd al, bl
        assertRegs(r, EAX, 0x12345600, EBX, 0xabcdef80);
        assertStatus(r, CF | ZF | PF | OF);
    }

    @Test
    void bswapEveryRegister() {
        Asm a = setup(STATUS, EAX, 0x11223344, ECX, 0x55667788, EDX, 0x99aabbcc, EBX, 0xddeeff00, EBP, 0x01020304,
                ESI, 0x05060708, EDI, 0x090a0b0c);
        for (int reg : new int[] {EAX, ECX, EDX, EBX, EBP, ESI, EDI}) {
            a.b(0x0F, 0xC8 + reg); // bswap reg
        }
        TestRun r = exec(a);
        assertRegs(r, EAX, 0x44332211, ECX, 0x88776655, EDX, 0xccbbaa99, EBX, 0x00ffeedd, EBP, 0x04030201,
                ESI, 0x08070605, EDI, 0x0c0b0a09);
        assertStatus(r, STATUS);
    }
}
