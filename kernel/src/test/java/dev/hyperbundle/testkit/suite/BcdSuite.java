package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.EAX;
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
 * DAA, DAS, AAA, AAS, AAM, AAD (SDM Vol. 2A). Defined flags: DAA/DAS all but OF; AAA/AAS only AF and
 * CF; AAM/AAD only SF, ZF, PF. AAA and AAS adjust AX as a word (AX := AX + 106H, AX := AX - 6 and AH :=
 * AH - 1), so a carry or borrow of the AL adjustment reaches AH.
 */
public abstract class BcdSuite extends BackendSuite {
    static final int DAA_FLAGS = STATUS & ~OF, AAA_FLAGS = AF | CF, AAM_FLAGS = SF | ZF | PF;

    @Test
    void daaAfterAddingPackedBcd() {
        TestRun r = op("04 35 27", 0, EAX, 0x79); // add al, 0x35; daa: 79 + 35 = 114
        assertRegs(r, EAX, 0x14);
        assertFlags(r, CF | AF | PF, DAA_FLAGS);
    }

    @Test
    void daaAdjustsTheLowDigit() {
        TestRun r = op("27", ZF, EAX, 0x0f); // daa
        assertRegs(r, EAX, 0x15);
        assertFlags(r, AF, DAA_FLAGS);
    }

    @Test
    void daaWithCarryInAddsSixty() {
        TestRun r = op("27", CF, EAX, 0x12); // daa
        assertRegs(r, EAX, 0x72);
        assertFlags(r, CF | PF, DAA_FLAGS);
    }

    @Test
    void daaToZero() {
        TestRun r = op("27", 0, EAX, 0x1234569a); // daa
        assertRegs(r, EAX, 0x12345600);
        assertFlags(r, CF | AF | ZF | PF, DAA_FLAGS);
    }

    @Test
    void dasAfterSubtractingPackedBcd() {
        TestRun r = op("2C 47 2F", 0, EAX, 0x35); // sub al, 0x47; das: 35 - 47 = -12 -> 88 with borrow
        assertRegs(r, EAX, 0x88);
        assertFlags(r, CF | AF | SF | PF, DAA_FLAGS);
    }

    @Test
    void dasWithBorrowInSubtractsSixty() {
        TestRun r = op("2F", CF, EAX, 0x00); // das
        assertRegs(r, EAX, 0xa0);
        assertFlags(r, CF | SF | PF, DAA_FLAGS);
    }

    @Test
    void dasAdjustsTheLowDigit() {
        TestRun r = op("2F", ZF, EAX, 0x1f); // das
        assertRegs(r, EAX, 0x19);
        assertFlags(r, AF, DAA_FLAGS);
    }

    @Test
    void aaaAfterAddingUnpackedBcd() {
        TestRun r = op("04 08 37", 0, EAX, 0x0009); // add al, 8; aaa: 9 + 8 = 17
        assertRegs(r, EAX, 0x0107);
        assertFlags(r, CF | AF, AAA_FLAGS);
    }

    @Test
    void aaaWithoutAdjustmentMasksAl() {
        TestRun r = op("37", CF, EAX, 0x0135); // aaa (AF clear: no adjustment)
        assertRegs(r, EAX, 0x0105);
        assertFlags(r, 0, AAA_FLAGS);
    }

    @Test
    void aaaAdjustsAxAsAWord() {
        TestRun r = op("37", 0, EAX, 0x00fb); // aaa: AX + 0x106 = 0x201
        assertRegs(r, EAX, 0x0201);
        assertFlags(r, CF | AF, AAA_FLAGS);
    }

    @Test
    void aasAfterSubtractingUnpackedBcd() {
        TestRun r = op("2C 08 3F", 0, EAX, 0x0205); // sub al, 8; aas: 25 - 8 = 17
        assertRegs(r, EAX, 0x0107);
        assertFlags(r, CF | AF, AAA_FLAGS);
    }

    @Test
    void aasWithoutAdjustmentMasksAl() {
        TestRun r = op("3F", CF, EAX, 0x0235); // aas
        assertRegs(r, EAX, 0x0205);
        assertFlags(r, 0, AAA_FLAGS);
    }

    @Test
    void aasBorrowsAcrossAhAsAWord() {
        TestRun r = op("3F", AF, EAX, 0x0100); // aas: AX - 6 = 0x00FA, AH - 1, AL AND 0FH
        assertRegs(r, EAX, 0xff0a);
        assertFlags(r, CF | AF, AAA_FLAGS);
    }

    @Test
    void aamSplitsIntoDecimalDigits() {
        TestRun r = op("D4 0A", ZF, EAX, 0x124f); // aam: 79 -> 7, 9
        assertRegs(r, EAX, 0x0709);
        assertFlags(r, PF, AAM_FLAGS);
    }

    @Test
    void aamWithBase16() {
        TestRun r = op("D4 10", PF, EAX, 0xab); // aam 16
        assertRegs(r, EAX, 0x0a0b);
        assertFlags(r, 0, AAM_FLAGS);
    }

    @Test
    void aamWithBaseZeroRaisesDivideError() {
        Asm a = setup(0, EAX, 0x1234);
        int at = a.here();
        TestRun r = exec(recording(a.x("D4 00").exit(1))); // aam 0
        assertException(r, 0, at);
        assertRegs(r, EAX, 0x1234);
    }

    @Test
    void aadJoinsDecimalDigits() {
        TestRun r = op("D5 0A", ZF | SF, EAX, 0x0709); // aad: 7 * 10 + 9 = 79
        assertRegs(r, EAX, 0x004f);
        assertFlags(r, 0, AAM_FLAGS);
    }

    @Test
    void aadWithBase16TruncatesToAByte() {
        TestRun r = op("D5 10", 0, EAX, 0xffff); // aad 16: 0xFF * 16 + 0xFF = 0x10EF
        assertRegs(r, EAX, 0x00ef);
        assertFlags(r, SF, AAM_FLAGS);
    }

    @Test
    void aadOfZero() {
        TestRun r = op("D5 0A", SF, EAX, 0x12340000); // aad
        assertRegs(r, EAX, 0x12340000);
        assertFlags(r, ZF | PF, AAM_FLAGS);
    }
}
