package dev.hyperbundle.virtio.net;

import java.util.function.Consumer;

/** Where a virtio-net NIC's Ethernet frames go and come from (an in-process switch, a TAP device). */
public interface NetBackend extends AutoCloseable {
    /** Starts delivering received frames to receiver, which may be called on any thread. */
    void start(Consumer<byte[]> receiver);

    /** Sends one frame (without the virtio header); called on the vCPU thread, must not block for long. */
    void send(byte[] frame);

    @Override
    void close();
}
