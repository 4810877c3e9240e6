package dev.hyperbundle.device;

/**
 * A device instance in one machine (Firecracker's persist pattern: the state is a separate value).
 *
 * <p>All methods are called on the machine's vCPU thread, or while the machine is paused.
 */
public interface Device extends AutoCloseable {
    /**
     * The complete guest-visible state: registers, FIFOs, queue positions, pending interrupts, timer
     * deadlines. Restoring it into a fresh instance must make the guest unable to tell the difference.
     */
    DeviceState saveState();

    /**
     * Replaces this (freshly created) device's state.
     *
     * @throws DeviceStateException when the state is of another type or of a version this build cannot read
     */
    void restoreState(DeviceState state) throws DeviceStateException;

    /** Back to the power-on state (machine reset). */
    void reset();

    /**
     * Releases host resources the device opened itself. Bus, IRQ, timer and PCI registrations made
     * through the {@link DeviceContext} are released by the kernel.
     */
    @Override
    default void close() {
    }
}
