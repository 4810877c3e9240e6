package dev.hyperbundle.testkit.suite;

import java.util.StringJoiner;

/** EFLAGS bits (SDM Vol. 1, 3.4.3) and the masks the suites compare with. */
public final class Eflags {
    public static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8, IF = 1 << 9,
            DF = 1 << 10, OF = 1 << 11, NT = 1 << 14, RF = 1 << 16, VM = 1 << 17, AC = 1 << 18, ID = 1 << 21;
    public static final int IOPL3 = 3 << 12;
    /** Bit 1 always reads 1. */
    public static final int FIXED = 2;
    /** The six status flags. */
    public static final int STATUS = CF | PF | AF | ZF | SF | OF;

    private static final String[] NAMES = {"CF", "1", "PF", "", "AF", "", "ZF", "SF", "TF", "IF", "DF", "OF", "IOPL0",
        "IOPL1", "NT", "", "RF", "VM", "AC", "VIF", "VIP", "ID"};

    private Eflags() {
    }

    /** The set flags by name (a readable assertion message). */
    public static String names(int flags) {
        StringJoiner j = new StringJoiner(" ", "[", "]");
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & 1 << i) != 0 && !NAMES[i].isEmpty() && i != 1) {
                j.add(NAMES[i]);
            }
        }
        return j.toString();
    }
}
