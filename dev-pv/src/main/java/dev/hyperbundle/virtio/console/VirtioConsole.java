package dev.hyperbundle.virtio.console;

import dev.hyperbundle.chardev.CharBackend;
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

/**
 * virtio-console (VIRTIO 1.2, 5.3) with one port (hvc0): transmitq bytes go to the CharBackend, input is
 * pulled from it while the receiveq has buffers. Input not yet taken stays in the backend, so nothing is
 * in flight inside the device. VIRTIO_CONSOLE_F_EMERG_WRITE is offered.
 */
public final class VirtioConsole implements VirtioDeviceModel {
    public static final int RECEIVE_QUEUE = 0, TRANSMIT_QUEUE = 1;
    public static final int F_EMERG_WRITE = 2;
    private static final int QUEUE_SIZE = 128;
    private static final int CONFIG_SIZE = 12;
    private static final int EMERG_WR = 8;
    private static final int MAX_INPUT_PER_BUFFER = 4096;

    private final CharBackend backend;
    private volatile VirtioLink link;

    public VirtioConsole(CharBackend backend) {
        this.backend = backend;
    }

    @Override
    public VirtioDeviceType type() {
        return VirtioDeviceType.CONSOLE;
    }

    @Override
    public long features() {
        return VirtioFeatures.bit(F_EMERG_WRITE);
    }

    @Override
    public int[] queueSizes() {
        return new int[] {QUEUE_SIZE, QUEUE_SIZE};
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    /** 5.3.4: cols, rows (not offered: 0), max_nr_ports (only with MULTIPORT), emerg_wr (write-only). */
    @Override
    public int readConfig(int offset) {
        return 0;
    }

    @Override
    public void writeConfig(int offset, int value) {
        if (offset == EMERG_WR) {
            backend.write(value); // 5.3.6: emergency write of one character, before or without the queues
            backend.flush();
        }
    }

    @Override
    public void activate(VirtioLink link) throws VirtQueueException {
        this.link = link;
        backend.setInputListener(() -> {
            VirtioLink l = this.link;
            if (l != null) {
                l.post(this::pullInput);
            }
        });
        pullInput();
    }

    @Override
    public void queueNotified(int queue) throws VirtQueueException {
        if (queue == RECEIVE_QUEUE) {
            pullInput();
        } else if (queue == TRANSMIT_QUEUE) {
            transmit();
        }
    }

    private void transmit() throws VirtQueueException {
        VirtQueue q = link.queue(TRANSMIT_QUEUE);
        DescriptorChain chain;
        byte[] buf = new byte[4096];
        boolean any = false;
        while ((chain = q.pop()) != null) {
            ChainReader r = chain.reader();
            int n;
            while ((n = r.read(buf, 0, buf.length)) > 0) {
                backend.write(buf, 0, n);
            }
            q.addUsed(chain.head(), 0);
            any = true;
        }
        if (any) {
            backend.flush();
        }
        link.notifyUsed(TRANSMIT_QUEUE);
    }

    /** Moves waiting input into receive buffers while there are both. */
    private void pullInput() throws VirtQueueException {
        VirtioLink l = link;
        if (l == null) {
            return;
        }
        VirtQueue q = l.queue(RECEIVE_QUEUE);
        while (true) {
            DescriptorChain chain = q.pop();
            if (chain == null) {
                break;
            }
            ChainWriter w = chain.writer();
            int room = (int) Math.min(w.remaining(), MAX_INPUT_PER_BUFFER);
            byte[] data = new byte[room];
            int n = 0;
            while (n < room) {
                int b = backend.read();
                if (b < 0) {
                    break;
                }
                data[n++] = (byte) b;
            }
            if (n == 0) {
                q.undoPop(); // no input: the buffer stays available for later
                break;
            }
            w.write(data, 0, n);
            q.addUsed(chain.head(), n);
        }
        l.notifyUsed(RECEIVE_QUEUE);
    }

    @Override
    public void reset() {
        link = null;
    }

    @Override
    public void save(StateWriter w) {
        w.putInt(0); // no bytes in flight: unread input stays in the CharBackend
    }

    @Override
    public void restore(StateReader r, int version) throws DeviceStateException {
        r.getInt();
    }

    @Override
    public void close() {
        link = null;
        backend.setInputListener(() -> { });
    }
}
