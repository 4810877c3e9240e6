package dev.hyperbundle.virtio.blk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A raw disk image: positional reads and writes, durable flush, discard by hole punching or zeros. */
final class BlockFile implements AutoCloseable {
    private static final int ZERO_CHUNK = 1 << 16;

    private final FileChannel channel;
    private final long size;
    private final boolean readOnly;
    private final HolePuncher puncher;

    /** Over an open channel (tests wrap it to watch what reaches the file). */
    BlockFile(FileChannel channel, long size, boolean readOnly, HolePuncher puncher) {
        this.channel = channel;
        this.size = size;
        this.readOnly = readOnly;
        this.puncher = puncher;
    }

    static BlockFile open(Path path, boolean readOnly) throws IOException {
        FileChannel ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new BlockFile(ch, ch.size(), readOnly, readOnly ? HolePuncher.none() : HolePuncher.open(path));
    }

    long size() {
        return size;
    }

    boolean readOnly() {
        return readOnly;
    }

    /** Fills b[off, off + len) from the file at position (zeros past the end of the file). */
    void read(long position, byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, position + (buf.position() - off));
            if (n < 0) {
                while (buf.hasRemaining()) {
                    buf.put((byte) 0);
                }
            }
        }
    }

    void write(long position, byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            channel.write(buf, position + (buf.position() - off));
        }
    }

    /** Everything written so far reaches stable storage (data and metadata). */
    void flush() throws IOException {
        channel.force(true);
    }

    /** Frees the range if the file system can, otherwise writes zeros; reads return zeros after either. */
    void discard(long position, long length) throws IOException {
        if (!puncher.punch(position, length)) {
            writeZeros(position, length);
        }
    }

    void writeZeros(long position, long length) throws IOException {
        byte[] zeros = new byte[(int) Math.min(ZERO_CHUNK, Math.max(length, 0))];
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(zeros.length, length - done);
            write(position + done, zeros, 0, n);
            done += n;
        }
    }

    @Override
    public void close() {
        puncher.close();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only read and wrote through force()d writes loses nothing
        }
    }
}
