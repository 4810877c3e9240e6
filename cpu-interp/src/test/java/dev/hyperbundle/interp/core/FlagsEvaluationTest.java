package dev.hyperbundle.interp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Flags#get()} evaluates all six arithmetic flags in one pass: it must agree with each flag's own rule. */
class FlagsEvaluationTest {
    private static final int[] EDGES = {0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0x0f};

    private static int fromEachFlag(Flags f) {
        int v = f.bits & ~Flags.ARITH;
        v |= f.cf() ? Flags.CF : 0;
        v |= f.pf() ? Flags.PF : 0;
        v |= f.af() ? Flags.AF : 0;
        v |= f.zf() ? Flags.ZF : 0;
        v |= f.sf() ? Flags.SF : 0;
        v |= f.of() ? Flags.OF : 0;
        return v;
    }

    @Test
    void getAgreesWithEveryFlagForEveryOperation() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int n = 0; n < 300_000; n++) {
            int a = n < 144 ? EDGES[n % 12] : rnd.nextInt();
            int b = n < 144 ? EDGES[n / 12] : (rnd.nextInt(4) == 0 ? a : rnd.nextInt());
            int size = new int[] {1, 2, 4}[rnd.nextInt(3)];
            Flags f = new Flags();
            f.bits = Flags.FIXED | Flags.IF | (rnd.nextBoolean() ? Flags.CF : 0);
            switch (rnd.nextInt(4)) {
                case 0 -> Alu.binary(f, rnd.nextInt(8), size, a, b);
                case 1 -> f.setIncDec(rnd.nextBoolean() ? Flags.INC : Flags.DEC, size, a, a + (rnd.nextBoolean() ? 1 : -1));
                case 2 -> Alu.binary(f, Alu.ADC, size, a, b); // with the random carry in
                default -> Alu.binary(f, Alu.SBB, size, a, b);
            }
            int expected = fromEachFlag(f);
            assertEquals(Integer.toHexString(expected), Integer.toHexString(f.get()),
                    String.format("op %d size %d dst %x src %x result %x", f.op, f.size, f.dst, f.src, f.result));
        }
    }
}
