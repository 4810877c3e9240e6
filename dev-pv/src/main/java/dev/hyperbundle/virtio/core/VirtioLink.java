package dev.hyperbundle.virtio.core;

import dev.hyperbundle.memory.GuestMemory;
import dev.hyperbundle.virtio.queue.VirtQueue;

/** What a device model sees of the transport-independent core. Called on the vCPU thread only. */
public interface VirtioLink {
    GuestMemory memory();

    VirtQueue queue(int index);

    /** The features the driver accepted. */
    long negotiatedFeatures();

    default boolean hasFeature(int bit) {
        return VirtioFeatures.has(negotiatedFeatures(), bit);
    }

    /** True after DRIVER_OK and before a reset or a failure: the queues may be used. */
    boolean active();

    /** Tells the driver about new used buffers on the queue, unless it suppressed the notification (2.7.10). */
    void notifyUsed(int queue);

    /** The device configuration changed: bump the generation and interrupt (2.4.2). */
    void configChanged();

    /**
     * Runs a task on the vCPU thread (from a device thread), only while the device is active, with the
     * same failure handling as queue notifications.
     */
    void post(DeviceTask task);

    /** A unit of device work that may meet a malformed queue. */
    @FunctionalInterface
    interface DeviceTask {
        void run() throws dev.hyperbundle.virtio.queue.VirtQueueException;
    }
}
