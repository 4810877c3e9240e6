package dev.hyperbundle.testkit;

import dev.hyperbundle.cpu.X86CpuState;

/**
 * The result of a test guest's run.
 *
 * @param exit         how it ended
 * @param exitCode     the code written to port 0xF4 (DONE), else -1
 * @param console      bytes written to port 0xE9, as ISO-8859-1 text
 * @param state        the CPU state at the end
 * @param instructions instructions retired
 * @param memory       a copy of guest RAM at the end
 * @param error        the backend's error message (ERROR), else null
 * @param switches     how often a {@link GuestRunner.SwitchPlan} re-created the vCPU during the run
 */
public record TestRun(TestExit exit, int exitCode, String console, X86CpuState state, long instructions, byte[] memory,
                      String error, int switches) {
    public int read32(int address) {
        return (memory[address] & 0xff) | (memory[address + 1] & 0xff) << 8 | (memory[address + 2] & 0xff) << 16
                | (memory[address + 3] & 0xff) << 24;
    }

    public int read8(int address) {
        return memory[address] & 0xff;
    }
}
