package dev.hyperbundle.interp.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hyperbundle.backend.Vcpu;
import dev.hyperbundle.backend.VcpuExit;
import dev.hyperbundle.cpu.X86CpuState;
import dev.hyperbundle.kernel.machine.PlatformVcpuContext;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The TSC is the machine's virtual clock in nanoseconds (the CPU model's 1 GHz TSC) plus an offset: WRMSR 0x10
 * sets it (SDM Vol. 3B, 18.17 "Time-Stamp Counter"), and a state load continues it from the saved value, so the
 * time a machine spends saved (paused, switched, migrated) does not show as a jump.
 */
class TimeStampCounterTest {
    private static final long T = 0x1_2345_6789L;
    // mov ecx, 0x10; mov eax, T low; mov edx, T high; wrmsr; rdtsc; hlt
    private static final String WRMSR_RDTSC = "B9 10 00 00 00 B8 89 67 45 23 BA 01 00 00 00 0F 30 0F 31 F4";
    private static final String RDTSC = "0F 31 F4";

    private static long edxEax(X86CpuState s) {
        return (long) s.gpr[X86CpuState.EDX] << 32 | Integer.toUnsignedLong(s.gpr[X86CpuState.EAX]);
    }

    @Test
    void rdtscAfterWrmsrReadsTheWrittenValuePlusTheNanosecondsSince() {
        try (DirectMachine m = new DirectMachine()) {
            m.load(DirectMachine.CODE, HexFormat.ofDelimiter(" ").parseHex(WRMSR_RDTSC));
            long before = System.nanoTime();
            X86CpuState s = m.runToHlt(DirectMachine.flat(DirectMachine.CODE));
            long elapsed = System.nanoTime() - before;
            long tsc = edxEax(s);
            assertTrue(tsc >= T && tsc <= T + elapsed, () -> Long.toHexString(tsc) + " not in [T, T + " + elapsed + "]");
        }
    }

    @Test
    void aStateLoadContinuesTheTscFromTheSavedValue() throws Exception {
        try (DirectMachine m = new DirectMachine()) {
            m.load(DirectMachine.CODE, HexFormat.ofDelimiter(" ").parseHex(WRMSR_RDTSC));
            X86CpuState saved = m.runToHlt(DirectMachine.flat(DirectMachine.CODE));
            Thread.sleep(50); // the machine is "saved" meanwhile
            m.load(DirectMachine.CODE + 0x100, HexFormat.ofDelimiter(" ").parseHex(RDTSC));
            saved.eip = DirectMachine.CODE + 0x100;
            saved.halted = false;
            long before = System.nanoTime();
            Vcpu fresh = new InterpBackend().createVcpu(new PlatformVcpuContext(0, m.platform));
            fresh.loadState(saved);
            VcpuExit exit;
            do {
                exit = fresh.run();
            } while (exit == VcpuExit.KICKED);
            X86CpuState after = new X86CpuState();
            fresh.saveState(after);
            fresh.close();
            long elapsed = System.nanoTime() - before;
            long tsc = edxEax(after);
            assertTrue(tsc >= saved.tsc && tsc <= saved.tsc + elapsed,
                    () -> "TSC " + tsc + " after a load of " + saved.tsc + ": not within the " + elapsed + " ns since the load");
        }
    }
}
