package dev.hyperbundle.interp.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.testkit.GuestRunner;
import dev.hyperbundle.testkit.TestExit;
import dev.hyperbundle.testkit.TestRun;
import dev.hyperbundle.testkit.suite.Asm;
import dev.hyperbundle.testkit.suite.PagingSuite;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's TLB keeps global translations over a CR3 load (SDM Vol. 3A, 4.10.2.4 "Global Pages":
 * with CR4.PGE = 1 a MOV to CR3 need not invalidate G = 1 entries; 4.10.4.1). This checks the
 * implementation, not an architectural guarantee: a processor "may invalidate TLB entries for global
 * pages" on a CR3 load, which is why {@link PagingSuite}'s shared tests accept either value there. Runs
 * {@link PagingSuite#globalPages}: a global page remapped in memory without INVLPG still reads the old
 * frame after MOV CR3, CR3 (ESI); the architectural results (non-global page new after the CR3 load, global
 * page new after toggling CR4.PGE) are checked as well.
 */
class GlobalPagesTest {
    private static TestRun run(boolean fourMegabytePages) {
        TestRun r = GuestRunner.run(new InterpBackend(), PagingSuite.globalPages(true, fourMegabytePages), Duration.ofSeconds(30));
        assertEquals(TestExit.HALTED, r.exit(), () -> "the guest should halt: " + r.exit() + " " + r.error());
        return r;
    }

    private static void assertStaleGlobalKept(TestRun r) {
        int[] gpr = r.state().gpr;
        assertEquals(0xaaaa, gpr[Asm.EAX], "global page, first read");
        assertEquals(0xcccc, gpr[Asm.EDX], "non-global page, first read");
        assertEquals(0xdddd, gpr[Asm.EBX], "non-global page after MOV CR3: dropped, the new frame");
        assertEquals(0xaaaa, gpr[Asm.ESI], "global page after MOV CR3: the entry kept, the old frame");
        assertEquals(0xbbbb, gpr[Asm.EDI], "global page after toggling CR4.PGE: dropped, the new frame");
    }

    @Test
    void aGlobalPageSurvivesACr3Load() {
        assertStaleGlobalKept(run(false));
    }

    @Test
    void aFourMegabyteGlobalPageSurvivesACr3Load() {
        assertStaleGlobalKept(run(true));
    }
}
