package dev.hyperbundle.irq;

/**
 * One interrupt request line (ISA IRQ 0-15, or a PCI INTx routed to one). Devices drive its level; the
 * machine's {@link InterruptController} sees every change. Several devices may share a line (PCI INTx):
 * each holds its own {@link IrqLine} handle and the line is high while any of them holds it high.
 */
public interface IrqLine {
    int number();

    void set(boolean high);

    default void raise() {
        set(true);
    }

    default void lower() {
        set(false);
    }

    /** A rising then a falling edge, for edge-triggered inputs (e.g. the PIT on IRQ 0). */
    default void pulse() {
        set(true);
        set(false);
    }

    /**
     * Sets (or with null clears) the one listener this handle has for the interrupt controller delivering
     * this line's interrupt to the CPU. Called on the vCPU thread.
     */
    default void setAcknowledgeListener(Runnable listener) {
    }
}
