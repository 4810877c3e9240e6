package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.EBX;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;

import dev.hyperbundle.testkit.TestRun;
import org.junit.jupiter.api.Test;

/**
 * BT, BTS, BTR, BTC with register and memory operands, BSF, BSR (SDM Vol. 2A). BTx: CF is the selected
 * bit, ZF is unaffected, OF SF AF PF are undefined. A register bit offset addresses a memory bit string:
 * offset / 32 dwords from the operand (signed, so negative offsets reach below it), while an immediate
 * offset is taken modulo the operand size. BSF/BSR define only ZF.
 */
public abstract class BitSuite extends BackendSuite {
    /** CF is the bit; ZF must come out as it went in. */
    static final int BT_FLAGS = CF | ZF;
    static final int BITS = DATA + 0x100;

    private TestRun onBits(String instruction, int flagsIn, int ebx, int... dwordsAtBits) {
        return exec(pm(setup(flagsIn, EBX, ebx).x(instruction)).load(BITS - 16, dwords(dwordsAtBits)));
    }

    @Test
    void btRegisterOffsetIsModulo32() {
        TestRun r = op("0F A3 D8", ZF, EAX, 0x10, EBX, 36); // bt eax, ebx: bit 36 mod 32 = 4
        assertRegs(r, EAX, 0x10, EBX, 36);
        assertFlags(r, CF | ZF, BT_FLAGS);
    }

    @Test
    void btMemoryRegisterOffsetBeyondTheDword() {
        // bt [BITS], ebx with 35: bit 3 of the dword at BITS + 4, not of the one at BITS
        TestRun r = onBits("0F A3 1D 00 01 03 00", 0, 35, 0, 0, 0, 0, 0xfffffff7, 0x08);
        assertFlags(r, CF, BT_FLAGS);
    }

    @Test
    void btMemoryNegativeRegisterOffsetReachesBelow() {
        // bt [BITS], ebx with -1: bit 31 of the dword at BITS - 4
        TestRun r = onBits("0F A3 1D 00 01 03 00", ZF, -1, 0, 0, 0, 0x80000000, 0x7fffffff);
        assertFlags(r, CF | ZF, BT_FLAGS);
    }

    @Test
    void btMemoryImmediateOffsetIsModuloTheSize() {
        // bt dword [BITS], 35: bit 3 of the dword at BITS itself
        TestRun r = onBits("0F BA 25 00 01 03 00 23", 0, 0, 0, 0, 0, 0, 0x08, 0);
        assertFlags(r, CF, BT_FLAGS);
    }

    @Test
    void btsMemoryFarRegisterOffset() {
        TestRun r = onBits("0F AB 1D 00 01 03 00", ZF, 100, 0, 0, 0, 0, 0, 0, 0, 0); // bts [BITS], ebx: BITS + 12, bit 4
        assertMem32(r, BITS + 12, 0x10);
        assertMem32(r, BITS, 0);
        assertFlags(r, ZF, BT_FLAGS);
    }

    @Test
    void btrMemoryRegisterOffset() {
        TestRun r = onBits("0F B3 1D 00 01 03 00", 0, 33, 0, 0, 0, 0, 0xff, 0xff); // btr [BITS], ebx: BITS + 4, bit 1
        assertMem32(r, BITS, 0xff);
        assertMem32(r, BITS + 4, 0xfd);
        assertFlags(r, CF, BT_FLAGS);
    }

    @Test
    void btcMemoryNegativeRegisterOffset() {
        TestRun r = onBits("0F BB 1D 00 01 03 00", 0, -33, 0, 0, 0x12345678, 0, 0); // btc [BITS], ebx: BITS - 8, bit 31
        assertMem32(r, BITS - 8, 0x92345678);
        assertFlags(r, 0, BT_FLAGS);
    }

    @Test
    void btsWordMemoryRegisterOffset() {
        // 16-bit operand: the offset picks a word, 17 / 16 = 1 word up, bit 1
        TestRun r = onBits("66 0F AB 1D 00 01 03 00", 0, 0xffff0011, 0, 0, 0, 0, 0x00020000, 0);
        assertMem32(r, BITS, 0x00020000);
        assertFlags(r, CF, BT_FLAGS);
    }

    @Test
    void btsWordMemoryNegativeRegisterOffset() {
        // BX = 0xFFFF is -1 as a 16-bit offset: bit 15 of the word at BITS - 2
        TestRun r = onBits("66 0F AB 1D 00 01 03 00", ZF, 0x0000ffff, 0, 0, 0, 0x00001234, 0);
        assertMem32(r, BITS - 4, 0x80001234);
        assertFlags(r, ZF, BT_FLAGS);
    }

    @Test
    void btsRegisterImmediate() {
        TestRun r = op("0F BA E8 1F", CF, EAX, 0x7fffffff); // bts eax, 31
        assertRegs(r, EAX, 0xffffffff);
        assertFlags(r, 0, BT_FLAGS);
    }

    @Test
    void btrRegisterRegister() {
        TestRun r = op("0F B3 D8", 0, EAX, 0xffffffff, EBX, 37); // btr eax, ebx: bit 5
        assertRegs(r, EAX, 0xffffffdf);
        assertFlags(r, CF, BT_FLAGS);
    }

    @Test
    void btcRegisterImmediate() {
        TestRun r = op("0F BA F8 04", ZF, EAX, 0x0f); // btc eax, 4
        assertRegs(r, EAX, 0x1f);
        assertFlags(r, ZF, BT_FLAGS);
    }

    @Test
    void bsfFindsTheLowestSetBit() {
        TestRun r = op("0F BC C3", ZF, EAX, -1, EBX, 0x00018000); // bsf eax, ebx
        assertRegs(r, EAX, 15);
        assertFlags(r, 0, ZF);
    }

    @Test
    void bsrFindsTheHighestSetBit() {
        TestRun r = op("0F BD C3", ZF, EAX, -1, EBX, 0x00018000); // bsr eax, ebx
        assertRegs(r, EAX, 16);
        assertFlags(r, 0, ZF);
    }

    @Test
    void bsfOfTheTopBit() {
        TestRun r = op("0F BC C3", 0, EBX, 0x80000000); // bsf eax, ebx
        assertRegs(r, EAX, 31);
        assertFlags(r, 0, ZF);
    }

    @Test
    void bsrOfAllOnes() {
        TestRun r = op("0F BD C3", 0, EBX, -1); // bsr eax, ebx
        assertRegs(r, EAX, 31);
        assertFlags(r, 0, ZF);
    }

    /**
     * A zero source sets ZF; the SDM calls the destination undefined, but Intel's P6 and later and AMD
     * (which documents it) leave it unchanged, and guests rely on that (Linux's x86 ffs/fls comments),
     * so the suite asserts it.
     */
    @Test
    void bsfOfZeroSetsZfAndKeepsTheDestination() {
        TestRun r = op("0F BC C3", 0, EAX, 0x12345678, EBX, 0); // bsf eax, ebx
        assertRegs(r, EAX, 0x12345678);
        assertFlags(r, ZF, ZF);
    }

    /** As {@link #bsfOfZeroSetsZfAndKeepsTheDestination()}. */
    @Test
    void bsrOfZeroMemorySetsZfAndKeepsTheDestination() {
        TestRun r = exec(pm(setup(0, EAX, 0x0badf00d).x("0F BD 05 00 00 03 00")).load(DATA, dwords(0))); // bsr eax, [0x30000]
        assertRegs(r, EAX, 0x0badf00d);
        assertFlags(r, ZF, ZF);
    }

    @Test
    void bsfWordKeepsTheUpperHalf() {
        TestRun r = op("66 0F BC C3", ZF, EAX, 0xaaaa5555, EBX, 0x8000); // bsf ax, bx
        assertRegs(r, EAX, 0xaaaa000f);
        assertFlags(r, 0, ZF);
    }

    @Test
    void bsfMemory() {
        TestRun r = exec(pm(setup(ZF).x("0F BC 05 00 00 03 00")).load(DATA, dwords(0x00100000))); // bsf eax, [0x30000]
        assertRegs(r, EAX, 20);
        assertFlags(r, 0, ZF);
    }
}
