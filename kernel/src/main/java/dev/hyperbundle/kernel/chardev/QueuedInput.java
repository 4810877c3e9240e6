package dev.hyperbundle.kernel.chardev;

import java.util.concurrent.ConcurrentLinkedQueue;

/** The input side every backend shares: a queue filled by a reader thread, pulled by the device. */
class QueuedInput {
    private final ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
    private volatile Runnable listener = () -> { };

    void offer(byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            queue.add(data[i] & 0xff);
        }
        listener.run();
    }

    int read() {
        Integer b = queue.poll();
        return b == null ? -1 : b;
    }

    void setListener(Runnable listener) {
        this.listener = listener;
        if (!queue.isEmpty()) {
            listener.run();
        }
    }
}
