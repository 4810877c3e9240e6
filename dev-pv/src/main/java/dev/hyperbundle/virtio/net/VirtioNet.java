package dev.hyperbundle.virtio.net;

import dev.hyperbundle.device.DeviceStateException;
import dev.hyperbundle.device.StateReader;
import dev.hyperbundle.device.StateWriter;
import dev.hyperbundle.virtio.core.VirtioDeviceModel;
import dev.hyperbundle.virtio.core.VirtioDeviceType;
import dev.hyperbundle.virtio.core.VirtioFeatures;
import dev.hyperbundle.virtio.core.VirtioLink;
import dev.hyperbundle.virtio.queue.ChainReader;
import dev.hyperbundle.virtio.queue.ChainWriter;
import dev.hyperbundle.virtio.queue.DescriptorChain;
import dev.hyperbundle.virtio.queue.VirtQueue;
import dev.hyperbundle.virtio.queue.VirtQueueException;
import java.util.ArrayDeque;

/**
 * virtio-net (VIRTIO 1.2, 5.1) with one receive and one transmit queue, VIRTIO_NET_F_MAC and
 * VIRTIO_NET_F_STATUS (link always up), no offloads. Every buffer starts with struct virtio_net_hdr
 * (12 bytes with VERSION_1, 10 for a legacy driver, 5.1.6.1). Received frames wait in a bounded queue
 * until the driver gives receive buffers; that queue is part of the saved state.
 */
public final class VirtioNet implements VirtioDeviceModel {
    public static final int RECEIVE_QUEUE = 0, TRANSMIT_QUEUE = 1;
    public static final int F_MAC = 5, F_MRG_RXBUF = 15, F_STATUS = 16;
    public static final int STATUS_LINK_UP = 1;
    /** Frames larger than this (64 KiB plus a header) are dropped. */
    public static final int MAX_FRAME = 65550;
    public static final int MIN_FRAME = 14;
    public static final int RX_BACKLOG = 256;
    private static final int QUEUE_SIZE = 256;
    private static final int CONFIG_SIZE = 10;

    private final byte[] mac;
    private final NetBackend backend;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private volatile VirtioLink link;
    private boolean started;
    private long dropped;

    public VirtioNet(byte[] mac, NetBackend backend) {
        this.mac = mac.clone();
        this.backend = backend;
    }

    public byte[] mac() {
        return mac.clone();
    }

    @Override
    public VirtioDeviceType type() {
        return VirtioDeviceType.NET;
    }

    @Override
    public long features() {
        return VirtioFeatures.bit(F_MAC) | VirtioFeatures.bit(F_STATUS);
    }

    @Override
    public int[] queueSizes() {
        return new int[] {QUEUE_SIZE, QUEUE_SIZE};
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    /** 5.1.4: mac[6], status, max_virtqueue_pairs. */
    @Override
    public int readConfig(int offset) {
        if (offset < 6) {
            return mac[offset] & 0xff;
        }
        return switch (offset) {
            case 6 -> STATUS_LINK_UP;
            case 8 -> 1;
            default -> 0;
        };
    }

    @Override
    public void activate(VirtioLink link) throws VirtQueueException {
        this.link = link;
        if (!started) {
            started = true;
            backend.start(this::frameArrived);
        }
        deliver();
    }

    /** From the backend, on any thread: hand the frame to the vCPU thread. */
    private void frameArrived(byte[] frame) {
        VirtioLink l = link;
        if (l != null) {
            l.post(() -> {
                if (pending.size() < RX_BACKLOG) {
                    pending.add(frame);
                } else {
                    dropped++;
                }
                deliver();
            });
        }
    }

    private int headerLength() {
        VirtioLink l = link;
        return l != null && (l.hasFeature(VirtioFeatures.VERSION_1) || l.hasFeature(F_MRG_RXBUF)) ? 12 : 10;
    }

    @Override
    public void queueNotified(int queue) throws VirtQueueException {
        if (queue == TRANSMIT_QUEUE) {
            transmit();
        } else if (queue == RECEIVE_QUEUE) {
            deliver();
        }
    }

    private void transmit() throws VirtQueueException {
        VirtQueue q = link.queue(TRANSMIT_QUEUE);
        int header = headerLength();
        DescriptorChain chain;
        while ((chain = q.pop()) != null) {
            long length = chain.readableLength() - header;
            if (length >= MIN_FRAME && length <= MAX_FRAME) {
                ChainReader r = chain.reader();
                r.skip(header); // no offloads were negotiated: the header carries nothing to do
                byte[] frame = new byte[(int) length];
                r.read(frame, 0, frame.length);
                backend.send(frame);
            } else {
                dropped++;
            }
            q.addUsed(chain.head(), 0);
        }
        link.notifyUsed(TRANSMIT_QUEUE);
    }

    /** Copies waiting frames into receive buffers while there are both (5.1.6.3). */
    private void deliver() throws VirtQueueException {
        VirtioLink l = link;
        if (l == null || pending.isEmpty()) {
            return;
        }
        VirtQueue q = l.queue(RECEIVE_QUEUE);
        int header = headerLength();
        while (!pending.isEmpty()) {
            DescriptorChain chain = q.pop();
            if (chain == null) {
                break;
            }
            byte[] frame = pending.peek();
            if (chain.writableLength() < header + frame.length) {
                // Without mergeable buffers a frame must fit one buffer: it is dropped, the buffer kept.
                q.undoPop();
                pending.poll();
                dropped++;
                continue;
            }
            pending.poll();
            ChainWriter w = chain.writer();
            byte[] hdr = new byte[header];
            if (header == 12) {
                hdr[10] = 1; // num_buffers
            }
            w.write(hdr);
            w.write(frame);
            q.addUsed(chain.head(), w.position());
        }
        l.notifyUsed(RECEIVE_QUEUE);
    }

    public long dropped() {
        return dropped;
    }

    @Override
    public void reset() {
        link = null;
        pending.clear();
    }

    @Override
    public void save(StateWriter w) {
        w.putBytes(mac).putLong(dropped).putInt(pending.size());
        for (byte[] f : pending) {
            w.putBytes(f);
        }
    }

    @Override
    public void restore(StateReader r, int version) throws DeviceStateException {
        byte[] saved = r.getBytes();
        if (saved.length == 6) {
            System.arraycopy(saved, 0, mac, 0, 6); // the guest keeps the address it saw
        }
        dropped = r.getLong();
        int n = r.getInt();
        if (n < 0 || n > RX_BACKLOG) {
            throw new DeviceStateException("virtio-net state holds " + n + " pending frames");
        }
        pending.clear();
        for (int i = 0; i < n; i++) {
            pending.add(r.getBytes());
        }
    }

    @Override
    public void close() {
        link = null;
        backend.close();
    }
}
