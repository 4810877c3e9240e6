package dev.hyperbundle.chardev;

/**
 * A host byte stream behind a guest serial port or console. Output is written on the vCPU thread and
 * must not block for long (a slow sink drops nothing but may buffer). Input is pulled: the device calls
 * {@link #read()} when the guest can take a byte, and hears of new input through the listener.
 */
public interface CharBackend extends AutoCloseable {
    void write(int b);

    default void write(byte[] b, int offset, int length) {
        for (int i = 0; i < length; i++) {
            write(b[offset + i]);
        }
    }

    void flush();

    /** The next input byte (0-255), or -1 when none is waiting. Never blocks. */
    int read();

    /** Called (on any thread) when input arrives; the device posts to its machine executor from there. */
    void setInputListener(Runnable listener);

    @Override
    void close();
}
