package dev.hyperbundle.testkit.suite;

import static dev.hyperbundle.testkit.suite.Asm.ECX;
import static dev.hyperbundle.testkit.suite.Asm.EDI;
import static dev.hyperbundle.testkit.suite.Asm.ESI;
import static dev.hyperbundle.testkit.suite.Eflags.CF;
import static dev.hyperbundle.testkit.suite.Eflags.OF;
import static dev.hyperbundle.testkit.suite.Eflags.PF;
import static dev.hyperbundle.testkit.suite.Eflags.SF;
import static dev.hyperbundle.testkit.suite.Eflags.ZF;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.testkit.TestRun;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * The 16 conditions (SDM Vol. 1, appendix B "EFLAGS Condition Codes"; Vol. 2A Jcc) under all 32
 * combinations of CF PF ZF SF OF, each through SETcc, CMOVcc, Jcc rel8 and Jcc rel32: one guest per
 * condition loads every combination with POPFD and records the four outcomes.
 */
public abstract class ConditionSuite extends BackendSuite {
    static final int TABLE = DATA, OUT = DATA + 0x100, COMBINATIONS = 32;
    private static final String[] FORMS = {"SETcc", "CMOVcc", "Jcc rel8", "Jcc rel32"};

    static int flagsOf(int combination) {
        return ((combination & 1) != 0 ? CF : 0) | ((combination & 2) != 0 ? PF : 0) | ((combination & 4) != 0 ? ZF : 0)
                | ((combination & 8) != 0 ? SF : 0) | ((combination & 16) != 0 ? OF : 0) | Eflags.FIXED;
    }

    private void condition(int cc, IntPredicate holds) {
        int[] table = new int[COMBINATIONS];
        for (int i = 0; i < COMBINATIONS; i++) {
            table[i] = flagsOf(i);
        }
        Asm a = new Asm().mov(ESI, TABLE).mov(EDI, OUT).mov(ECX, COMBINATIONS).label("next")
                .x("BB 00 00 00 00 BA 01 00 00 00") // mov ebx, 0; mov edx, 1
                .x("FF 36 9D") // push dword [esi]; popfd
                .b(0x0F, 0x90 + cc, 0x07) // setcc byte [edi]
                .b(0x0F, 0x40 + cc, 0xDA) // cmovcc ebx, edx
                .x("88 5F 01") // mov [edi+1], bl
                .x("C6 47 02 01").b(0x70 + cc, 4).x("C6 47 02 00") // mov byte [edi+2], 1; jcc +4; mov byte [edi+2], 0
                .x("C6 47 03 01").b(0x0F, 0x80 + cc).d(4).x("C6 47 03 00") // the same with jcc rel32
                .x("83 C6 04 83 C7 04 49") // add esi, 4; add edi, 4; dec ecx
                .jump8(0x75, "next"); // jnz next
        TestRun r = exec(pm(a).load(TABLE, dwords(table)));
        for (int i = 0; i < COMBINATIONS; i++) {
            int expected = holds.test(table[i]) ? 1 : 0;
            for (int form = 0; form < FORMS.length; form++) {
                int combination = table[i];
                int f = form;
                assertEquals(expected, r.read8(OUT + 4 * i + form),
                        () -> String.format("%s with cc=%X under %s", FORMS[f], cc, Eflags.names(combination)));
            }
        }
    }

    private static boolean set(int flags, int flag) {
        return (flags & flag) != 0;
    }

    @Test
    void overflow() {
        condition(0x0, f -> set(f, OF));
    }

    @Test
    void noOverflow() {
        condition(0x1, f -> !set(f, OF));
    }

    @Test
    void below() {
        condition(0x2, f -> set(f, CF));
    }

    @Test
    void aboveOrEqual() {
        condition(0x3, f -> !set(f, CF));
    }

    @Test
    void equal() {
        condition(0x4, f -> set(f, ZF));
    }

    @Test
    void notEqual() {
        condition(0x5, f -> !set(f, ZF));
    }

    @Test
    void belowOrEqual() {
        condition(0x6, f -> set(f, CF) || set(f, ZF));
    }

    @Test
    void above() {
        condition(0x7, f -> !set(f, CF) && !set(f, ZF));
    }

    @Test
    void sign() {
        condition(0x8, f -> set(f, SF));
    }

    @Test
    void noSign() {
        condition(0x9, f -> !set(f, SF));
    }

    @Test
    void parity() {
        condition(0xA, f -> set(f, PF));
    }

    @Test
    void noParity() {
        condition(0xB, f -> !set(f, PF));
    }

    @Test
    void less() {
        condition(0xC, f -> set(f, SF) != set(f, OF));
    }

    @Test
    void greaterOrEqual() {
        condition(0xD, f -> set(f, SF) == set(f, OF));
    }

    @Test
    void lessOrEqual() {
        condition(0xE, f -> set(f, ZF) || set(f, SF) != set(f, OF));
    }

    @Test
    void greater() {
        condition(0xF, f -> !set(f, ZF) && set(f, SF) == set(f, OF));
    }
}
