package dev.hyperbundle.interp.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hyperbundle.cpu.X86CpuState;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * RDPMC on this CPU model: the Pentium Pro's two counters exist (ECX 0 and 1; the suites check #GP for the
 * rest), but no event can be selected, so they read 0 in EDX:EAX (SDM Vol. 2B, RDPMC; Vol. 3B, 20.6.8 for
 * the P6 counters).
 */
class PerformanceCounterTest {
    @Test
    void bothCountersReadZero() {
        for (int counter = 0; counter < 2; counter++) {
            try (DirectMachine m = new DirectMachine()) {
                // mov ecx, counter; mov eax, -1; mov edx, -1; rdpmc; hlt
                m.load(DirectMachine.CODE, HexFormat.ofDelimiter(" ").parseHex(
                        "B9 0" + counter + " 00 00 00 B8 FF FF FF FF BA FF FF FF FF 0F 33 F4"));
                X86CpuState s = m.runToHlt(DirectMachine.flat(DirectMachine.CODE));
                assertEquals(0, s.gpr[X86CpuState.EAX], "counter " + counter + " low");
                assertEquals(0, s.gpr[X86CpuState.EDX], "counter " + counter + " high");
                assertEquals(DirectMachine.CODE + 18, s.eip);
            }
        }
    }
}
