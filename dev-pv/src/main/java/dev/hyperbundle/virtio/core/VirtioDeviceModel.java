package dev.hyperbundle.virtio.core;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.virtio.queue.VirtQueueException;

/**
 * One virtio device type, without any transport: its id, features, queues and configuration space, and
 * what it does when the driver notifies a queue. The core handles status, feature negotiation, queue
 * setup, interrupts and failure; the transports (mmio, pci) map registers onto the core.
 */
public interface VirtioDeviceModel {
    VirtioDeviceType type();

    /** Device-specific feature bits; the core adds {@link VirtioFeatures#COMMON}. */
    long features();

    /** The maximum size of each queue (powers of two); the array length is the number of queues. */
    int[] queueSizes();

    /** Bytes of the device-specific configuration space. */
    int configSize();

    /** A byte of configuration space (0 outside it). */
    int readConfig(int offset);

    /** A driver write of a configuration byte; read-only fields ignore it. */
    default void writeConfig(int offset, int value) {
    }

    /** DRIVER_OK: the queues are set up and the features are final. */
    void activate(VirtioLink link) throws VirtQueueException;

    /** The driver notified a queue (2.7.13). */
    void queueNotified(int queue) throws VirtQueueException;

    /** Device reset by the driver (status 0) or machine reset: drop work in progress (not host resources). */
    void reset();

    /** The model's own state (in-flight input, config fields that change). */
    void save(StateWriter w);

    void restore(StateReader r, int version) throws DeviceStateException;

    /** Releases host resources (files, sockets, threads). */
    default void close() {
    }
}
