package dev.hyperbundle.irq;

/**
 * The interrupt inputs as a CPU backend sees them. A backend checks {@link #intrAsserted()} at
 * instruction (or block) boundaries; when it is set and the guest accepts maskable interrupts
 * (EFLAGS.IF = 1, no interrupt shadow), it calls {@link #acknowledge()} for the vector and delivers it.
 */
public interface CpuInterrupts {
    /** The INTR line level (a volatile read; cheap enough for every block boundary). */
    boolean intrAsserted();

    /** The interrupt acknowledge cycle: the vector to deliver. */
    int acknowledge();

    /** True while an NMI is latched and not yet delivered. */
    boolean nmiPending();

    /** Marks the latched NMI as delivered. */
    void acknowledgeNmi();

    /**
     * Drives the CPU's FERR# output: a backend calls it when an unmasked x87 exception is pending in MS-DOS
     * compatibility mode (CR0.NE = 0) and again with false when the exception is cleared (SDM Vol. 1, 8.7.2).
     *
     * @since 1.1
     */
    default void setFerr(boolean asserted) {
    }

    /**
     * The CPU's IGNNE# input: while it is asserted, waiting x87 instructions run despite a pending exception
     * in MS-DOS compatibility mode instead of freezing (SDM Vol. 1, D.2.1.3).
     *
     * @since 1.1
     */
    default boolean ignne() {
        return false;
    }
}
