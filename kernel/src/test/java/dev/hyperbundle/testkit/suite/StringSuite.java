package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
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
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.testkit.TestRun;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * MOVS, STOS, LODS, CMPS, SCAS, INS, OUTS with REP/REPE/REPNE, DF = 0 and 1, ECX = 0, and 16-bit
 * addressing (SDM Vol. 2B, each instruction and "REP/REPE/REPZ/REPNE/REPNZ"). CMPS compares [ESI] - [EDI],
 * SCAS compares the accumulator - [EDI]; a REP with ECX = 0 does nothing at all, not even to the flags.
 */
public abstract class StringSuite extends BackendSuite {
    static final int SRC = 0x20000, DST = 0x21000;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void repMovsdBackwardsWithDirectionFlag() {
        TestRun r = exec(pm(setup(DF, ESI, SRC + 8, EDI, DST + 8, ECX, 3).x("F3 A5")) // rep movsd
                .load(SRC, dwords(0x11111111, 0x22222222, 0x33333333, 0x44444444)));
        assertMem32(r, DST - 4, 0);
        assertMem32(r, DST, 0x11111111);
        assertMem32(r, DST + 4, 0x22222222);
        assertMem32(r, DST + 8, 0x33333333);
        assertMem32(r, DST + 12, 0);
        assertRegs(r, ESI, SRC - 4, EDI, DST - 4, ECX, 0);
    }

    @Test
    void movswMovesOneWord() {
        TestRun r = exec(pm(setup(0, ESI, SRC, EDI, DST, ECX, 7).x("66 A5")).load(SRC, dwords(0x44332211))); // movsw
        assertMem32(r, DST, 0x2211);
        assertRegs(r, ESI, SRC + 2, EDI, DST + 2, ECX, 7);
    }

    @Test
    void repWithEcxZeroDoesNothing() {
        TestRun r = exec(pm(setup(STATUS, ESI, SRC, EDI, DST, ECX, 0).x("F3 A4")).load(SRC, dwords(0x12345678))); // rep movsb
        assertMem32(r, DST, 0);
        assertRegs(r, ESI, SRC, EDI, DST, ECX, 0);
        assertStatus(r, STATUS);
    }

    @Test
    void repeCmpsWithEcxZeroKeepsTheFlags() {
        TestRun r = exec(pm(setup(CF | OF, ESI, SRC, EDI, DST, ECX, 0).x("F3 A6")).load(SRC, dwords(1))); // repe cmpsb
        assertRegs(r, ESI, SRC, EDI, DST, ECX, 0);
        assertStatus(r, CF | OF);
    }

    @Test
    void overlappingRepMovsbCopiesByteByByte() {
        // the destination starts one byte after the source: every iteration reads what the previous wrote
        TestRun r = exec(pm(setup(0, ESI, SRC, EDI, SRC + 1, ECX, 7).x("F3 A4")).load(SRC, text("abcdefgh"))); // rep movsb
        assertEquals("aaaaaaaa", new String(r.memory(), SRC, 8, StandardCharsets.ISO_8859_1));
    }

    @Test
    void repStoswFillsWords() {
        TestRun r = exec(setup(0, EAX, 0x1234beef, EDI, DST, ECX, 3).x("66 F3 AB")); // rep stosw
        assertMem32(r, DST, 0xbeefbeef);
        assertMem32(r, DST + 4, 0x0000beef);
        assertRegs(r, EDI, DST + 6, ECX, 0, EAX, 0x1234beef);
    }

    @Test
    void repStosdFillsAPage() {
        TestRun r = exec(setup(0, EAX, 0xa5a5a5a5, EDI, DST, ECX, 1024).x("F3 AB")); // rep stosd
        assertMem32(r, DST, 0xa5a5a5a5);
        assertMem32(r, DST + 4092, 0xa5a5a5a5);
        assertMem32(r, DST + 4096, 0);
        assertRegs(r, EDI, DST + 4096, ECX, 0);
    }

    @Test
    void stosdBackwards() {
        TestRun r = exec(setup(DF, EAX, 0xcafef00d, EDI, DST + 4).x("AB AB")); // stosd; stosd
        assertMem32(r, DST, 0xcafef00d);
        assertMem32(r, DST + 4, 0xcafef00d);
        assertRegs(r, EDI, DST - 4);
    }

    @Test
    void lodsbKeepsTheUpperBits() {
        TestRun r = exec(pm(setup(0, EAX, 0x12345678, ESI, SRC).x("AC")).load(SRC, bytes(0x9a))); // lodsb
        assertRegs(r, EAX, 0x1234569a, ESI, SRC + 1);
    }

    @Test
    void lodsdBackwards() {
        TestRun r = exec(pm(setup(DF, ESI, SRC + 4).x("AD AD")).load(SRC, dwords(0x11111111, 0x22222222))); // lodsd; lodsd
        assertRegs(r, EAX, 0x11111111, ESI, SRC - 4);
    }

    @Test
    void cmpsbSubtractsDestinationFromSource() {
        TestRun r = exec(pm(setup(0, ESI, SRC, EDI, DST).x("A6")).load(SRC, bytes(1)).load(DST, bytes(2))); // cmpsb: 1 - 2
        assertRegs(r, ESI, SRC + 1, EDI, DST + 1);
        assertStatus(r, CF | PF | AF | SF);
    }

    @Test
    void repeCmpsbStopsAfterTheFirstDifference() {
        TestRun r = exec(pm(setup(0, ESI, SRC, EDI, DST, ECX, 10).x("F3 A6")) // repe cmpsb
                .load(SRC, text("abcdXfghij")).load(DST, text("abcdYfghij")));
        assertRegs(r, ECX, 5, ESI, SRC + 5, EDI, DST + 5);
        assertStatus(r, CF | PF | AF | SF); // 'X' - 'Y'
    }

    @Test
    void repeCmpsdAllEqualRunsOut() {
        TestRun r = exec(pm(setup(CF, ESI, SRC, EDI, DST, ECX, 4).x("F3 A7")) // repe cmpsd
                .load(SRC, dwords(1, 2, 3, 4)).load(DST, dwords(1, 2, 3, 4)));
        assertRegs(r, ECX, 0, ESI, SRC + 16, EDI, DST + 16);
        assertStatus(r, ZF | PF);
    }

    @Test
    void repneCmpsbStopsAtTheFirstEqualByte() {
        TestRun r = exec(pm(setup(0, ESI, SRC, EDI, DST, ECX, 8).x("F2 A6")) // repne cmpsb
                .load(SRC, text("abcdefgh")).load(DST, text("xyzdefgh")));
        assertRegs(r, ECX, 4, ESI, SRC + 4, EDI, DST + 4);
        assertStatus(r, ZF | PF);
    }

    @Test
    void repneScasbFindsTheTerminator() {
        // the strlen idiom: ECX = -1, scan for 0; length = NOT ECX - 1
        TestRun r = exec(pm(setup(0, EAX, 0, EDI, SRC, ECX, -1).x("F2 AE")).load(SRC, text("hello\0"))); // repne scasb
        assertRegs(r, ECX, ~6, EDI, SRC + 6);
        assertStatus(r, ZF | PF);
    }

    @Test
    void repneScasbRunsOutWithoutAMatch() {
        TestRun r = exec(pm(setup(ZF, EAX, 'z', EDI, SRC, ECX, 3).x("F2 AE")).load(SRC, text("abc"))); // repne scasb
        assertRegs(r, ECX, 0, EDI, SRC + 3);
        assertStatus(r, PF); // 'z' - 'c' = 0x17: four bits
    }

    @Test
    void scaswBackwards() {
        TestRun r = exec(pm(setup(DF, EAX, 0xffff0005, EDI, SRC + 2).x("66 AF")).load(SRC, dwords(0x00070000))); // scasw: 5 - 7
        assertRegs(r, EDI, SRC);
        assertStatus(r, CF | AF | SF);
    }

    @Test
    void repMovsbWithSixteenBitAddressingUsesCxSiDi() {
        // 67: SI, DI and CX count, the upper halves of ESI, EDI, ECX are not touched
        TestRun r = exec(pm(setup(0, ESI, 0x55558000, EDI, 0x66669000, ECX, 0x12340003).x("67 F3 A4")) // rep movsb (a16)
                .load(0x8000, text("xyz!")));
        assertEquals("xyz", new String(r.memory(), 0x9000, 3, StandardCharsets.ISO_8859_1));
        assertMem8(r, 0x9003, 0);
        assertRegs(r, ESI, 0x55558003, EDI, 0x66669003, ECX, 0x12340000);
    }

    @Test
    void sixteenBitAddressingWrapsSiAt64K() {
        TestRun r = exec(pm(setup(0, ESI, 0x0001ffff, EDI, 0x00009000).x("67 A4")).load(0xffff, bytes(0x5e))); // movsb (a16)
        assertMem8(r, 0x9000, 0x5e);
        assertRegs(r, ESI, 0x00010000, EDI, 0x00009001);
    }

    @Test
    void repOutsbWritesTheConsole() {
        TestRun r = exec(pm(setup(0, ESI, SRC, EDX, 0xe9, ECX, 3).x("F3 6E")).load(SRC, text("abc"))); // rep outsb
        assertEquals("abc", r.console());
        assertRegs(r, ESI, SRC + 3, ECX, 0);
    }

    @Test
    void repOutsbBackwards() {
        TestRun r = exec(pm(setup(DF, ESI, SRC + 2, EDX, 0xe9, ECX, 3).x("F3 6E")).load(SRC, text("abc"))); // rep outsb
        assertEquals("cba", r.console());
        assertRegs(r, ESI, SRC - 1);
    }

    @Test
    void repInsbReadsThePort() {
        // the kit's console port reads as 0xE9
        TestRun r = exec(setup(0, EDI, DST, EDX, 0xe9, ECX, 3).x("F3 6C")); // rep insb
        assertMem32(r, DST, 0x00e9e9e9);
        assertRegs(r, EDI, DST + 3, ECX, 0);
    }
}
