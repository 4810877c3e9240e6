package dev.hyperbundle.virtio.net;

import java.util.function.Consumer;

/** backend=none: a NIC with nothing on the other end; sent frames are dropped, nothing arrives. */
public final class UnpluggedBackend implements NetBackend {
    @Override
    public void start(Consumer<byte[]> receiver) {
    }

    @Override
    public void send(byte[] frame) {
    }

    @Override
    public void close() {
    }
}
