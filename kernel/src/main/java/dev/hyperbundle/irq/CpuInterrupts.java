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
}
