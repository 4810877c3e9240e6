package dev.hyperbundle.virtio.testkit;

/** A guest driver's view of one transport, doing what Linux's virtio drivers do. */
public interface VirtioDriver {
    int STATUS_ACK = 1, STATUS_DRIVER = 2, STATUS_DRIVER_OK = 4, STATUS_FEATURES_OK = 8, STATUS_NEEDS_RESET = 64;

    long deviceFeatures();

    void writeDriverFeatures(long features);

    int status();

    void writeStatus(int status);

    int queueMaxSize(int queue);

    void setupQueue(int queue, DriverQueue q);

    void notifyQueue(int queue);

    /** Reads the pending interrupt status and acknowledges it (MMIO ack, PCI ISR read). */
    int takeInterrupt();

    long readConfig(int offset, int size);

    void writeConfig(int offset, int size, long value);

    /** True for the legacy interface (no FEATURES_OK step, VERSION_1 not offered). */
    boolean legacy();

    /**
     * Linux's probe sequence (3.1.1): reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK (checked), then
     * the caller sets up queues and calls {@link #driverOk()}. Returns the negotiated features.
     */
    default long negotiate(long wanted) {
        writeStatus(0);
        if (status() != 0) {
            throw new AssertionError("reset did not clear the status");
        }
        writeStatus(STATUS_ACK);
        writeStatus(STATUS_ACK | STATUS_DRIVER);
        long features = deviceFeatures() & wanted;
        writeDriverFeatures(features);
        if (!legacy()) {
            writeStatus(STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
            if ((status() & STATUS_FEATURES_OK) == 0) {
                throw new AssertionError("device refused features 0x" + Long.toHexString(features));
            }
        }
        return features;
    }

    default void driverOk() {
        writeStatus(status() | STATUS_DRIVER_OK);
    }
}
