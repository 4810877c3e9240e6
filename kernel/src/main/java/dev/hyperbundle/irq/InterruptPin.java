package dev.hyperbundle.irq;

/** The CPU's INTR input as the interrupt controller drives it. Callable from any thread. */
@FunctionalInterface
public interface InterruptPin {
    void set(boolean asserted);

    /**
     * The controller just delivered the interrupt of input line irq to the CPU (its INTA cycle selected
     * it). The kernel tells that line's acknowledge listener ({@link IrqLine#setAcknowledgeListener}),
     * like KVM's irq ack notifiers, so a timer can re-inject ticks the guest could not take in time.
     */
    default void acknowledged(int irq) {
    }
}
