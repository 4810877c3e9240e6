package dev.hyperbundle.virtio.rng;

import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.virtio.core.VirtioDeviceModel;
import dev.hyperbundle.virtio.core.VirtioDeviceType;
import dev.hyperbundle.virtio.core.VirtioLink;
import dev.hyperbundle.virtio.queue.ChainWriter;
import dev.hyperbundle.virtio.queue.DescriptorChain;
import dev.hyperbundle.virtio.queue.VirtQueue;
import dev.hyperbundle.virtio.queue.VirtQueueException;
import java.security.SecureRandom;

/** virtio-rng (VIRTIO 1.2, 5.4): fills each request buffer with bytes from the host's SecureRandom. */
public final class VirtioRng implements VirtioDeviceModel {
    private static final int QUEUE_SIZE = 64;
    /** Bytes per request at most; the driver asks again for more. */
    private static final int MAX_PER_REQUEST = 1 << 16;

    private final SecureRandom random;
    private VirtioLink link;

    public VirtioRng(SecureRandom random) {
        this.random = random;
    }

    @Override
    public VirtioDeviceType type() {
        return VirtioDeviceType.ENTROPY;
    }

    @Override
    public long features() {
        return 0;
    }

    @Override
    public int[] queueSizes() {
        return new int[] {QUEUE_SIZE};
    }

    @Override
    public int configSize() {
        return 0;
    }

    @Override
    public int readConfig(int offset) {
        return 0;
    }

    @Override
    public void activate(VirtioLink link) {
        this.link = link;
    }

    @Override
    public void queueNotified(int queue) throws VirtQueueException {
        VirtQueue q = link.queue(queue);
        DescriptorChain chain;
        while ((chain = q.pop()) != null) {
            ChainWriter w = chain.writer();
            byte[] bytes = new byte[(int) Math.min(w.remaining(), MAX_PER_REQUEST)];
            random.nextBytes(bytes);
            q.addUsed(chain.head(), w.write(bytes));
        }
        link.notifyUsed(queue);
    }

    @Override
    public void reset() {
        link = null;
    }

    @Override
    public void save(StateWriter w) {
        w.putInt(0);
    }

    @Override
    public void restore(StateReader r, int version) throws dev.hyperbundle.device.DeviceStateException {
        r.getInt();
    }
}
