package dev.hyperbundle.irq;

/** The CPU's INTR input as the interrupt controller drives it. Callable from any thread. */
@FunctionalInterface
public interface InterruptPin {
    void set(boolean asserted);
}
