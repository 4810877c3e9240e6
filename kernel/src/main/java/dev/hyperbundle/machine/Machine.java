package dev.hyperbundle.machine;

import dev.hyperbundle.cpu.X86CpuState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A running (or created, paused, stopped) virtual machine. Thread-safe. */
public interface Machine {
    String name();

    MachineState state();

    /** Id of the CPU backend running it now. */
    String cpuBackend();

    /** Starts the vCPU thread (once). */
    void start();

    /** Stops every vCPU at an instruction boundary; returns when they have stopped. */
    void pause();

    void resume();

    /** Resets the machine (CPU, devices, memory) and boots again. */
    void reset();

    /** Ends the run; {@link #awaitExit} then returns {@link ExitStatus.Kind#STOPPED}. */
    void stop();

    /**
     * Moves the running guest to another CPU backend: pause, save CPU state, create a vCPU on the other
     * backend over the same memory and devices, restore, resume. The same id re-creates the vCPU.
     */
    void switchBackend(String backendId);

    /** The CPU state now (pauses briefly if running). */
    X86CpuState cpuState();

    /** Guest instructions retired, summed over every vCPU this machine had. */
    long instructionsRetired();

    /** Waits for the run to end. */
    ExitStatus awaitExit() throws InterruptedException;

    /** Waits up to timeout; empty when still running. */
    Optional<ExitStatus> awaitExit(Duration timeout) throws InterruptedException;

    /** Device ids with their types and states: "serial0 uart16550 attached". */
    List<String> describeDevices();
}
