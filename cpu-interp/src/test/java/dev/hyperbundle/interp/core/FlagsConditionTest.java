package dev.hyperbundle.interp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The compare shortcuts of {@link Flags#condition} agree with the conditions computed from materialized flags. */
class FlagsConditionTest {
    private static final int[] EDGES = {0, 1, -1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0x12345678};

    @Test
    void shortcutsMatchEflagsForSubAndLogic() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n = 0; n < 200_000; n++) {
            int a = n < 144 ? EDGES[n % 12] : rnd.nextInt();
            int b = n < 144 ? EDGES[n / 12] : (rnd.nextInt(4) == 0 ? a : rnd.nextInt());
            int size = new int[] {1, 2, 4}[rnd.nextInt(3)];
            int alu = new int[] {Alu.SUB, Alu.CMP, Alu.AND, Alu.OR, Alu.XOR}[rnd.nextInt(5)];
            Flags lazy = new Flags();
            Alu.binary(lazy, alu, size, a, b);
            Flags eager = new Flags();
            eager.copyFrom(lazy);
            eager.materialize();
            for (int cc = 0; cc < 16; cc++) {
                assertEquals(eager.condition(cc), lazy.condition(cc),
                        () -> String.format("alu %d size %d a %x b %x", alu, size, a, b));
            }
        }
    }
}
