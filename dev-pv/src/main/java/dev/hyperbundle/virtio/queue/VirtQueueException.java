package dev.hyperbundle.virtio.queue;

/**
 * The driver broke the virtqueue rules (a malformed ring or descriptor chain). The device that sees one
 * stops using its queues and sets DEVICE_NEEDS_RESET (VIRTIO 1.2, 2.1.2).
 */
public final class VirtQueueException extends Exception {
    public VirtQueueException(String message) {
        super(message);
    }
}
