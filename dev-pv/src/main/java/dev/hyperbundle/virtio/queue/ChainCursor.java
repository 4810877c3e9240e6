package dev.hyperbundle.virtio.queue;

import java.util.List;

/** A byte position across a list of buffer segments. */
abstract class ChainCursor {
    private final List<BufferSegment> segments;
    private int segment;
    private int offset;
    private long position;
    private final long length;

    ChainCursor(List<BufferSegment> segments) {
        this.segments = segments;
        long n = 0;
        for (BufferSegment s : segments) {
            n += s.length();
        }
        this.length = n;
    }

    /** Bytes from the position to the end. */
    public final long remaining() {
        return length - position;
    }

    /** Bytes passed so far. */
    public final long position() {
        return position;
    }

    /** Moves forward up to n bytes; returns how far it moved. */
    public final long skip(long n) {
        long moved = 0;
        while (moved < n && segment < segments.size()) {
            int step = (int) Math.min(n - moved, segments.get(segment).length() - offset);
            advance(step);
            moved += step;
        }
        return moved;
    }

    /** Copies up to len bytes between the chain and the array (direction given by the subclass). */
    final int transfer(byte[] b, int off, int len) {
        int done = 0;
        while (done < len && segment < segments.size()) {
            BufferSegment s = segments.get(segment);
            int step = Math.min(len - done, s.length() - offset);
            if (step > 0) {
                copy(s.address() + offset, b, off + done, step);
                done += step;
            }
            advance(step);
        }
        return done;
    }

    private void advance(int step) {
        offset += step;
        position += step;
        while (segment < segments.size() && offset >= segments.get(segment).length()) {
            segment++;
            offset = 0;
        }
    }

    abstract void copy(long address, byte[] b, int off, int len);
}
