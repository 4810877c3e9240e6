package dev.hyperbundle.irq;

/**
 * The seam where an interrupt controller device (the 8259A pair in dev-legacy) plugs into the
 * machine. It receives line levels and answers the CPU's interrupt acknowledge cycle; it drives the
 * CPU's INTR input through the {@link InterruptPin} it got when it was installed.
 */
public interface InterruptController {
    /** Input line irq now has this level (called on every change, and once per high line at install). */
    void setIrq(int irq, boolean high);

    /**
     * The interrupt acknowledge cycle (Intel 8259A datasheet, "Interrupt Sequence"): returns the vector
     * to deliver and updates the in-service state. Called by the CPU only while INTR is asserted and the
     * CPU accepts interrupts; a controller with nothing to deliver returns its spurious vector.
     */
    int acknowledge();
}
