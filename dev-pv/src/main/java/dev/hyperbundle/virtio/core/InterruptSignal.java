package dev.hyperbundle.virtio.core;

/** How a transport presents the interrupt status to the guest (a level line, an ISR register). */
@FunctionalInterface
public interface InterruptSignal {
    /** The interrupt status changed; bit 0 used buffer, bit 1 configuration change (4.1.4.5, 4.2.2). */
    void update(int interruptStatus);
}
