package dev.hyperbundle.backend;

import dev.hyperbundle.cpu.X86CpuState;

/**
 * One virtual CPU of a backend. The machine owns the thread: it calls {@link #run()}, {@link #saveState}
 * and {@link #loadState} from that one thread only; {@link #kick()} may come from any thread.
 *
 * <p>Contract (the backend test kit checks it):
 * <ul>
 *   <li>{@link #run()} executes guest code and returns at an instruction boundary: after {@link #kick()},
 *   within a bounded time also when the guest loops without exits; when the guest halts with no
 *   interrupt it can take; on shutdown (triple fault). A kick that arrives while run() is not executing
 *   makes the next run() return at once.</li>
 *   <li>Interrupts come from {@link VcpuContext#interrupts()}: while INTR is asserted and the guest can
 *   take it, run() acknowledges and delivers it (also waking a halted CPU).</li>
 *   <li>{@link #saveState} and {@link #loadState} are exact: save, load into a fresh vCPU of any backend,
 *   run: the guest cannot tell.</li>
 * </ul>
 */
public interface Vcpu extends AutoCloseable {
    VcpuExit run();

    void kick();

    void saveState(X86CpuState into);

    void loadState(X86CpuState from);

    /** Guest instructions retired since creation (or an estimate, for backends that cannot count). */
    long instructionsRetired();

    @Override
    void close();
}
